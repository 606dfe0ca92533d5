package io.flowbundle.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.governance.Retention.Partition;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.ConfFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over the sample pipeline sensor-hourly: its output (contract sensor_hourly, 365 days),
 * staging and quarantine (contract sensor_events, 30 days), on folders of real partitions.
 */
class RetentionTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

    @TempDir Path dir;

    private PipelineSpec spec;
    private Path out;
    private Path output;
    private Path staging;
    private Path quarantine;
    private RuntimeConfig config;
    private Path lineageFile;
    private LineageSink lineage;

    @BeforeEach
    void sampleDatasets() throws IOException {
        ConfFixture conf = ConfFixture.copyTo(dir);
        spec = SpecLoader.load(conf.pipeline("sensor-hourly"));
        out = dir.resolve("out");
        output = out.resolve("sensor-hourly");
        staging = out.resolve("staging/sensor-events");
        quarantine = out.resolve("quarantine/sensor-hourly");
        partition(output, "window_date=2025-11-29", 2);
        partition(output, "window_date=2025-11-30", 1);
        partition(output, "window_date=2025-12-01", 1);
        partition(output, "window_date=2026-11-30", 1);
        partition(staging, "date=2026-10-30", 1);
        partition(staging, "date=2026-10-31", 3);
        partition(staging, "date=2026-11-01", 1);
        partition(staging, "date=2026-11-30", 1);
        partition(quarantine, "date=2026-10-01", 1);
        partition(quarantine, "date=2026-11-15", 1);
        lineageFile = out.resolve("lineage/retention.jsonl");
        Files.writeString(
                conf.runtimeConfig(),
                ConfFixture.read(conf.runtimeConfig())
                        + "lineage:\n  namespace: test-ns\n  transport: {type: file, location: ../out/lineage/retention.jsonl}\n");
        config = RuntimeConfig.load(conf.runtimeConfig());
    }

    @Test
    void aPipelineWritesItsSinksStagingAndQuarantine() {
        assertThat(Retention.datasets(spec))
                .extracting(
                        d ->
                                d.role()
                                        + " "
                                        + d.path()
                                        + " "
                                        + d.contract().name()
                                        + " "
                                        + d.retentionDays())
                .containsExactly(
                        "output " + output + " sensor_hourly 365",
                        "staging " + staging + " sensor_events 30",
                        "quarantine " + quarantine + " sensor_events 30");
    }

    @Test
    void partitionsBeforeTodayMinusRetentionAreExpired() {
        LocalDate cutoff = Retention.cutoff(30, TODAY);

        assertThat(cutoff).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(Retention.expired(staging, cutoff))
                .containsExactly(
                        new Partition("date=2026-10-30", LocalDate.of(2026, 10, 30), 1, 100),
                        new Partition("date=2026-10-31", LocalDate.of(2026, 10, 31), 3, 300));
        assertThat(Retention.expired(staging, LocalDate.of(2026, 10, 30))).isEmpty();
        assertThat(Retention.expired(output, Retention.cutoff(365, TODAY)))
                .extracting(Partition::name)
                .containsExactly("window_date=2025-11-29", "window_date=2025-11-30");
    }

    @Test
    void datesAreFoundBelowOtherPartitionKeysAndNowhereElse() throws IOException {
        Path root = dir.resolve("nested");
        partition(root, "region=eu/date=2020-01-01", 1);
        partition(root, "region=us/date=2020-01-02", 1);
        partition(root, "region=us/date=2099-01-01", 1);
        partition(root, "date=latest", 1);
        partition(root, "date=2020-13-45", 1);
        partition(root, "archive/date=2020-01-01", 1);
        partition(root, "_temporary/date=2020-01-01", 1);
        partition(root, ".sensor.staging-run1/date=2020-01-01", 1);
        Files.writeString(root.resolve("date=2020-01-03"), "a file, not a partition");

        assertThat(Retention.expired(root, LocalDate.of(2026, 1, 1)))
                .extracting(Partition::name)
                .containsExactly("region=eu/date=2020-01-01", "region=us/date=2020-01-02");
    }

    @Test
    void aSymbolicLinkIsNeverFollowedOutOfTheDataset() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        partition(elsewhere, "date=2020-01-01", 1);
        Files.createSymbolicLink(
                staging.resolve("date=2020-01-01"), elsewhere.resolve("date=2020-01-01"));
        Files.createSymbolicLink(staging.resolve("region=eu"), elsewhere);

        RetentionRun.Result result = run().apply(spec, TODAY);

        assertThat(result.failed()).isFalse();
        assertThat(files(elsewhere)).containsExactly("date=2020-01-01/part-0.parquet");
        assertThat(Files.isSymbolicLink(staging.resolve("date=2020-01-01"))).isTrue();
    }

    @Test
    void aDryRunDeletesNothingAndLeavesNoTrace() throws IOException {
        List<String> before = files(out);

        RetentionRun.Result plan = RetentionRun.plan(spec, TODAY);

        assertThat(files(out)).isEqualTo(before);
        assertThat(config.auditLog()).doesNotExist();
        assertThat(lineageFile).doesNotExist();
        assertThat(plan.applied()).isFalse();
        assertThat(plan.datasets()).extracting(d -> d.expired().size()).containsExactly(2, 2, 1);
        assertThat(plan.text())
                .startsWith(
                        "retention for sensor-hourly (today 2026-12-01, dry run: nothing deleted; --apply deletes)\n")
                .contains(
                        "  staging     "
                                + staging
                                + ": 30 days, keeps 2026-11-01 and later; 2 partition(s) expired\n"
                                + "    would delete date=2026-10-30 (1 file(s), 100 bytes)\n"
                                + "    would delete date=2026-10-31 (3 file(s), 300 bytes)\n")
                .endsWith("  would delete 5 partition(s), 8 file(s), 800 bytes\n");
    }

    @Test
    void applyDeletesExactlyTheExpiredPartitionsAuditsAndEmitsLineage() throws IOException {
        RetentionRun.Result result = run().apply(spec, TODAY);

        assertThat(files(output))
                .containsExactly(
                        "window_date=2025-12-01/part-0.parquet",
                        "window_date=2026-11-30/part-0.parquet");
        assertThat(files(staging))
                .containsExactly(
                        "date=2026-11-01/part-0.parquet", "date=2026-11-30/part-0.parquet");
        assertThat(files(quarantine)).containsExactly("date=2026-11-15/part-0.parquet");
        assertThat(result.failed()).isFalse();
        assertThat(result.text())
                .contains("    deleted date=2026-10-31 (3 file(s), 300 bytes)\n")
                .endsWith("  deleted 5 partition(s), 8 file(s), 800 bytes\n");

        List<AuditRecord> audit = new AuditLog(config.auditLog()).read();
        assertThat(audit)
                .extracting(r -> r.step() + " " + r.target() + " " + r.rowsOut() + " " + r.status())
                .containsExactly(
                        "retention " + output + " 2 succeeded",
                        "retention " + staging + " 2 succeeded",
                        "retention " + quarantine + " 1 succeeded");
        assertThat(audit)
                .allSatisfy(
                        r -> {
                            assertThat(r.runId()).isEqualTo(result.runId());
                            assertThat(r.pipeline()).isEqualTo("sensor-hourly");
                            assertThat(r.logicalDate()).isEqualTo("2026-12-01");
                            assertThat(r.startedAt()).isNotNull();
                        });

        List<String> lines = Files.readAllLines(lineageFile);
        assertThat(lines).hasSize(1);
        JsonNode event = AuditLog.json().readTree(lines.get(0));
        assertThat(event.get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(event.get("run").get("runId").asText()).isEqualTo(result.runId());
        assertThat(event.get("job").get("namespace").asText()).isEqualTo("test-ns");
        assertThat(event.get("job").get("name").asText()).isEqualTo("retention:sensor-hourly");
        assertThat(event.get("outputs")).hasSize(3);
        for (JsonNode dataset : event.get("outputs")) {
            assertThat(dataset.get("namespace").asText()).isEqualTo("file");
            assertThat(
                            dataset.get("facets")
                                    .get("lifecycleStateChange")
                                    .get("lifecycleStateChange")
                                    .asText())
                    .isEqualTo("TRUNCATE");
        }
        assertThat(event.get("outputs").get(1).get("name").asText()).isEqualTo(staging.toString());
        assertThat(
                        event.get("outputs")
                                .get(1)
                                .get("facets")
                                .get("flowbundle_contract")
                                .get("retentionDays")
                                .asInt())
                .isEqualTo(30);
    }

    @Test
    void aDatasetWithNothingExpiredIsAuditedButNotAnOutput() throws IOException {
        RetentionRun.Result result = run().apply(spec, LocalDate.of(2026, 11, 15));

        assertThat(result.datasets())
                .extracting(RetentionRun.DatasetResult::deleted)
                .containsExactly(0, 0, 1);
        assertThat(new AuditLog(config.auditLog()).read())
                .extracting(AuditRecord::rowsOut)
                .containsExactly(0L, 0L, 1L);
        JsonNode event = AuditLog.json().readTree(Files.readAllLines(lineageFile).get(0));
        assertThat(event.get("outputs")).hasSize(1);
        assertThat(event.get("outputs").get(0).get("name").asText())
                .isEqualTo(quarantine.toString());
    }

    @Test
    void aDatasetPathThatIsAFileIsRefusedAndTheOthersAreStillCleaned() throws IOException {
        deleteTree(output);
        Files.writeString(output, "not a folder");

        RetentionRun.Result result = run().apply(spec, TODAY);

        assertThat(result.failed()).isTrue();
        assertThat(result.datasets().get(0).error())
                .isEqualTo(
                        output
                                + ": not a folder; retention cleans the date partitions of a dataset folder"
                                + " (check the path in the pipeline spec)");
        assertThat(output).hasContent("not a folder");
        assertThat(files(staging)).hasSize(2);
        assertThat(new AuditLog(config.auditLog()).read())
                .extracting(r -> r.status() + " " + r.rowsOut())
                .containsExactly("failed 0", "succeeded 2", "succeeded 1");
        JsonNode event = AuditLog.json().readTree(Files.readAllLines(lineageFile).get(0));
        assertThat(event.get("eventType").asText()).isEqualTo("FAIL");
        assertThat(event.get("run").get("facets").get("errorMessage").get("message").asText())
                .contains("not a folder");
        assertThatThrownBy(() -> Retention.expired(output, TODAY))
                .isInstanceOf(FlowbundleException.class);
    }

    @Test
    void aDatasetThatDoesNotExistYetHasNothingToDelete() throws IOException {
        deleteTree(quarantine);

        RetentionRun.Result result = run().apply(spec, TODAY);

        assertThat(result.failed()).isFalse();
        assertThat(result.datasets().get(2).expired()).isEmpty();
        assertThat(quarantine).doesNotExist();
    }

    @Test
    void specFilesAreTheYamlFilesOfAFolder() {
        Path pipelines = dir.resolve("conf/pipelines");

        assertThat(Retention.specFiles(pipelines))
                .containsExactly(
                        pipelines.resolve("sensor-hourly-stream.yaml"),
                        pipelines.resolve("sensor-hourly.yaml"));
        assertThatThrownBy(() -> Retention.specFiles(dir.resolve("nope")))
                .hasMessage(
                        dir.resolve("nope")
                                + ": no such folder of pipeline specs; name specs with --pipeline");
    }

    private RetentionRun run() {
        lineage = LineageSink.create(config);
        return new RetentionRun(new AuditLog(config.auditLog()), lineage, "test");
    }

    @AfterEach
    void closeLineage() {
        if (lineage != null) {
            lineage.close();
        }
    }

    /** A partition folder with {@code files} files of 100 bytes each. */
    private static void partition(Path root, String name, int files) throws IOException {
        Path folder = root.resolve(name);
        Files.createDirectories(folder);
        for (int i = 0; i < files; i++) {
            Files.write(folder.resolve("part-" + i + ".parquet"), new byte[100]);
        }
    }

    /** Every file below {@code root}, as sorted relative paths. */
    private static List<String> files(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
        }
        out.sort(null);
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        io.flowbundle.parquet.PartitionCommitter.deleteRecursively(root);
    }
}
