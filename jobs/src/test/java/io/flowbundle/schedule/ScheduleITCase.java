package io.flowbundle.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.cli.Main;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled bounded runs through the CLI, for real: backfill, skip of completed dates, force, give
 * up.
 */
class ScheduleITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @Test
    void backfillsThreeDatesSkipsThemOnRerunAndReplacesAForcedOne(@TempDir Path dir)
            throws IOException {
        Path input = dir.resolve("events");
        SampleData.writeParquet(
                input,
                SensorEventGenerator.Settings.defaults()
                        .withEvents(9_000)
                        .withDays(3)
                        .withMaxJitterMillis(0),
                "snappy");
        Path spec = TestPipelines.sensorHourly(dir.resolve("spec"), input, dir.resolve("out"));
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: audit/audit.jsonl}\nflink: {parallelism.default: 2}\n");
        Path hourly = dir.resolve("out/sensor-hourly");

        int backfill =
                Main.execute(
                        "run-schedule",
                        "--pipeline",
                        spec.toString(),
                        "--from",
                        "2026-11-01",
                        "--to",
                        "2026-11-03",
                        "--config",
                        config.toString());

        assertThat(backfill).isZero();
        assertThat(partitions(hourly))
                .containsExactly(
                        "window_date=2026-11-01",
                        "window_date=2026-11-02",
                        "window_date=2026-11-03");
        List<AuditRecord> runs = pipelineRuns(dir);
        assertThat(runs)
                .extracting(AuditRecord::logicalDate, AuditRecord::status, AuditRecord::attempt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2026-11-01", AuditRecord.SUCCEEDED, 1),
                        org.assertj.core.groups.Tuple.tuple("2026-11-02", AuditRecord.SUCCEEDED, 1),
                        org.assertj.core.groups.Tuple.tuple(
                                "2026-11-03", AuditRecord.SUCCEEDED, 1));

        int rerun =
                Main.execute(
                        "run-schedule",
                        "--pipeline",
                        spec.toString(),
                        "--from",
                        "2026-11-01",
                        "--to",
                        "2026-11-03",
                        "--config",
                        config.toString());

        assertThat(rerun).isZero();
        assertThat(pipelineRuns(dir)).hasSize(3);

        List<Path> before = files(hourly.resolve("window_date=2026-11-02"));
        int forced =
                Main.execute(
                        "run-schedule",
                        "--pipeline",
                        spec.toString(),
                        "--date",
                        "2026-11-02",
                        "--force",
                        "--config",
                        config.toString());

        assertThat(forced).isZero();
        assertThat(pipelineRuns(dir))
                .hasSize(4)
                .last()
                .satisfies(r -> assertThat(r.logicalDate()).isEqualTo("2026-11-02"));
        assertThat(files(hourly.resolve("window_date=2026-11-02")))
                .hasSameSizeAs(before)
                .doesNotContainAnyElementsOf(before);
    }

    @Test
    void aDateWhoseInputNeverLandsFailsAfterMaxAttemptsWithANonZeroExitCode(@TempDir Path dir) {
        Path input = dir.resolve("events");
        SampleData.writeParquet(
                input,
                SensorEventGenerator.Settings.defaults().withEvents(1_000).withDays(1),
                "snappy");
        Path spec = TestPipelines.sensorHourly(dir.resolve("spec"), input, dir.resolve("out"));
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"), "audit: {path: audit/audit.jsonl}\n");

        int exit =
                Main.execute(
                        "run-schedule",
                        "--pipeline",
                        spec.toString(),
                        "--date",
                        "2026-12-24",
                        "--max-attempts",
                        "2",
                        "--initial-backoff",
                        "0s",
                        "--config",
                        config.toString());

        assertThat(exit).isEqualTo(1);
        List<AuditRecord> attempts =
                new AuditLog(dir.resolve("audit/audit.jsonl"))
                        .read().stream()
                                .filter(r -> r.step().equals("schedule:sensor-hourly"))
                                .toList();
        assertThat(attempts).extracting(AuditRecord::attempt).containsExactly(1, 2);
        assertThat(attempts)
                .allSatisfy(
                        r -> {
                            assertThat(r.status()).isEqualTo(AuditRecord.FAILED);
                            assertThat(r.error())
                                    .contains("no input in")
                                    .contains("date=2026-12-24");
                        });
    }

    private static List<AuditRecord> pipelineRuns(Path dir) {
        return new AuditLog(dir.resolve("audit/audit.jsonl"))
                .read().stream()
                        .filter(r -> r.step().equals("run") && "batch".equals(r.mode()))
                        .toList();
    }

    private static List<String> partitions(Path dataset) throws IOException {
        try (Stream<Path> list = Files.list(dataset)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.sorted().toList();
        }
    }
}
