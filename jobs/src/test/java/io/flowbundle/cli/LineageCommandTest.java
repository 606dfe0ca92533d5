package io.flowbundle.cli;

import static io.flowbundle.testing.RunEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.lineage.Datasets;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowbundle lineage trace} over a lineage log, as a user runs it. */
class LineageCommandTest {

    private static final String HOURLY_RUN = "00000000-0000-7000-8000-000000000001";
    private static final String DAILY_RUN = "00000000-0000-7000-8000-000000000002";

    @TempDir Path dir;
    private Path config;
    private Path log;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeLog() throws IOException {
        config =
                TestPipelines.write(
                        dir.resolve("conf/flowbundle.yaml"),
                        "audit: {path: ../out/audit/audit.jsonl}\n");
        // where runs with this config write lineage by default
        log = dir.resolve("out/lineage/lineage.jsonl");
        Datasets.Id raw = Datasets.kafka("127.0.0.1:9092", "sensor-events");
        Datasets.Id hourly = Datasets.file(dir.resolve("out/sensor-hourly"));
        Datasets.Id daily = Datasets.file(dir.resolve("out/sensor-daily"));
        TestPipelines.write(
                log,
                String.join(
                                "\n",
                                List.of(
                                        event(
                                                "COMPLETE",
                                                "sensor-hourly",
                                                HOURLY_RUN,
                                                "2026-11-02T01:00:00Z",
                                                List.of(raw),
                                                List.of(hourly)),
                                        event(
                                                "COMPLETE",
                                                "sensor-daily",
                                                DAILY_RUN,
                                                "2026-11-02T02:00:00Z",
                                                List.of(hourly),
                                                List.of(daily))))
                        + "\n");
    }

    @Test
    void tracesAPathFromTheDefaultLogOfTheConfig() {
        int exit =
                run(
                        "lineage",
                        "trace",
                        dir.resolve("out/./sensor-daily").toString(),
                        "--config",
                        config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList())
                .containsExactly(
                        "file:" + dir.resolve("out/sensor-daily"),
                        "   <- job flowbundle/sensor-daily (run "
                                + DAILY_RUN
                                + ", completed 2026-11-02T02:00:00Z)",
                        "      <- file:" + dir.resolve("out/sensor-hourly"),
                        "         <- job flowbundle/sensor-hourly (run "
                                + HOURLY_RUN
                                + ", completed 2026-11-02T01:00:00Z)",
                        "            <- kafka://127.0.0.1:9092:sensor-events  [raw source: no run wrote it]");
    }

    @Test
    void tracesANamespacedDatasetFromAGivenLogAsMermaid() {
        int exit =
                run(
                        "lineage",
                        "trace",
                        "file:" + dir.resolve("out/sensor-hourly"),
                        "--log",
                        log.toString(),
                        "--format",
                        "mermaid");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("flowchart LR\n")
                .contains("[(\"kafka://127.0.0.1:9092:sensor-events\")]");
    }

    @Test
    void dotFormat() {
        int exit =
                run(
                        "lineage",
                        "trace",
                        "kafka://127.0.0.1:9092:sensor-events",
                        "--log",
                        log.toString(),
                        "--format",
                        "DOT");

        assertThat(exit).as(err.toString()).isZero();
        // a raw source has no upstream: the graph is the dataset alone
        assertThat(out.toString())
                .isEqualTo(
                        "digraph lineage {\n  rankdir=LR;\n"
                                + "  d1 [shape=cylinder, style=bold, label=\"kafka://127.0.0.1:9092:sensor-events\"];\n}\n");
    }

    @Test
    void aDatasetNoRunTouchedIsAnErrorNamingTheLog() {
        int exit =
                run(
                        "lineage",
                        "trace",
                        dir.resolve("out/elsewhere").toString(),
                        "--log",
                        log.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines())
                .singleElement()
                .asString()
                .startsWith("error: " + log)
                .contains("file:" + dir.resolve("out/elsewhere"));
    }

    @Test
    void aMissingLogIsAnErrorSayingWhatToDo() {
        int exit = run("lineage", "trace", "x", "--log", dir.resolve("none.jsonl").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines())
                .singleElement()
                .asString()
                .startsWith("error: " + dir.resolve("none.jsonl"))
                .contains("--log");
    }

    @Test
    void aBadFormatOrDatasetIsAUsageError() {
        assertThat(run("lineage", "trace", "x", "--log", log.toString(), "--format", "svg"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--format: expected text, dot or mermaid, got svg");

        assertThat(run("lineage", "trace", "kafka://broker:9092", "--log", log.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("DATASET: 'kafka://broker:9092' is not NAMESPACE:NAME");
    }

    @Test
    void aTornLineIsSkippedWithAWarning() throws IOException {
        Files.writeString(
                log,
                Files.readString(log) + "{\"eventType\": \"COMP",
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

        int exit =
                run(
                        "lineage",
                        "trace",
                        dir.resolve("out/sensor-daily").toString(),
                        "--log",
                        log.toString());

        assertThat(exit).isZero();
        assertThat(err.toString())
                .isEqualTo("warning: " + log + ": skipped 1 line(s) that are not lineage events\n");
    }

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
