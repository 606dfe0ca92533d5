package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.parquet.RunLock;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.CliProcess;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one pipeline at once (docs/RELIABILITY.md, Faults): the CLI twice as child JVMs on
 * the same date; the second finds the first's lock and refuses in one line, the first ends as if
 * alone.
 */
@Tag("faults")
class BatchConcurrentRunsITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @Test
    void aSecondRunOfAPipelineRefusesWhileTheFirstRunsAndTheFirstEndsAsIfAlone(@TempDir Path dir)
            throws Exception {
        Path input = dir.resolve("input");
        SampleData.writeParquet(
                input,
                SensorEventGenerator.Settings.defaults()
                        .withSeed(44)
                        .withEvents(60_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02),
                "snappy");
        Path out = dir.resolve("out");
        Path spec = TestPipelines.sensorHourly(dir.resolve("spec"), input, out);
        Path auditFile = dir.resolve("audit/audit.jsonl");
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: " + auditFile + "}\nactor: test\n");
        List<String> batch =
                List.of(
                        "batch",
                        "--pipeline",
                        spec.toString(),
                        "--date",
                        "2026-11-01",
                        "--config",
                        config.toString(),
                        "-p",
                        "2");
        Path lock = out.resolve(".sensor-hourly.lock");

        long started = System.nanoTime();
        CliProcess first = CliProcess.start(dir, log("first"), batch);
        try {
            first.awaitWhileRunning(
                    "the first run's lock", () -> Files.isRegularFile(lock), TIMEOUT);
            RunLock.Holder holder = AuditLog.json().readValue(lock.toFile(), RunLock.Holder.class);
            assertThat(holder.pid()).isEqualTo(first.pid());

            CliProcess second = CliProcess.start(dir, log("second"), batch);
            try {
                assertThat(second.awaitExit(TIMEOUT)).as(second.tail()).isEqualTo(1);
            } finally {
                second.kill();
            }
            List<String> errors =
                    second.output().lines().filter(l -> l.startsWith("error:")).toList();
            assertThat(errors).as(second.tail()).singleElement();
            assertThat(errors.get(0))
                    .startsWith(
                            "error: run "
                                    + holder.runId()
                                    + " of sensor-hourly is running (pid "
                                    + first.pid())
                    .contains("holds the lock " + lock + "; wait for it to end")
                    .endsWith("delete " + lock);
            assertThat(first.awaitExit(TIMEOUT)).as(first.tail()).isZero();
        } finally {
            first.kill();
        }
        System.out.printf(
                "BatchConcurrentRunsITCase: both runs took %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        // the first run ended as if alone; the refused one wrote nothing, not even audit records
        List<AuditRecord> audit = new AuditLog(auditFile).read();
        assertThat(audit).extracting(AuditRecord::runId).containsOnly(audit.get(0).runId());
        assertThat(audit)
                .last()
                .satisfies(r -> assertThat(r.status()).isEqualTo(AuditRecord.SUCCEEDED));
        SensorOracle.assertMatchesInput(
                out.resolve("sensor-hourly"), input.resolve("date=2026-11-01"));
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers)
                    .as("lock, staging or manifest left beside the outputs")
                    .noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    /** Child logs under target/, where they outlive the test's temp folder. */
    private static Path log(String name) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", "BatchConcurrentRunsITCase"));
        return folder.resolve(name + ".log").toAbsolutePath();
    }
}
