package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.CliProcess;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming run killed with SIGKILL and started again with the same command, as a service manager
 * does: it resumes from its retained checkpoint, so every window reaches Parquet and the Kafka
 * output topic exactly once; a checkpoint that no longer fits the spec stops it in one line.
 */
class StreamRestartITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static DuckDb duck;

    @BeforeAll
    static void startOracle() {
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void aKilledRunStartedAgainResumesFromItsCheckpointAndWritesEveryWindowOnce(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(21)
                        .withEvents(20_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path input = dir.resolve("input");
        SampleData.writeParquet(input, settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        KAFKA.createTopic("restart", 2);
        KAFKA.produce("restart", events.firstHalf());
        Path spec = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "restart");
        Path checkpoints = dir.resolve(".flowbundle/checkpoints/sensor-hourly-restart");

        killAfterFirstCheckpoint(dir, spec, checkpoints, "restart-out");
        KAFKA.produce("restart", events.secondHalf());
        // the restored run reads on without end (see docs/ARCHITECTURE.md: a restored unbounded
        // source stays unbounded, --bounded included); one event past the last window closes them
        // all
        SensorTopics.flushWindows(KAFKA, "restart", 2, events.lastEventMillis());
        String expected = SensorOracle.expected(input + "/**/*.parquet");
        long windows = duck.count("SELECT count(*) FROM (" + expected + ")");
        String fromParquet = SensorOracle.results(dir.resolve("stream/hourly"));
        Path kafkaOut = dir.resolve("kafka-out.jsonl");
        CliProcess second = CliProcess.start(dir, log("resume-second"), stream(spec));
        try {
            second.awaitWhileRunning(
                    "every window in Parquet and Kafka",
                    () ->
                            rows(fromParquet) >= windows
                                    && rows(kafka("restart-out", kafkaOut)) >= windows,
                    TIMEOUT);
        } finally {
            second.kill();
        }

        assertThat(second.output().lines().filter(l -> l.contains("resuming from")).toList())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .containsPattern(
                        "resuming from checkpoint file:"
                                + checkpoints
                                + "/[0-9a-f]{32}/chk-\\d+, completed \\d+ s ago");
        String fromKafka = kafka("restart-out", kafkaOut);
        assertThat(duplicateWindows(fromParquet)).as("windows written twice to Parquet").isZero();
        assertThat(duplicateWindows(fromKafka)).as("windows sent twice to Kafka").isZero();
        SensorOracle.assertSameResults(duck, fromParquet, expected);
        SensorOracle.assertSameResults(duck, fromKafka, expected);
    }

    @Test
    void aCheckpointTheChangedSpecCannotUseStopsTheRunInOneLineUntilFromScratch(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults().withSeed(22).withEvents(6_000).withDays(1);
        KAFKA.createTopic("changed", 2);
        KAFKA.produce("changed", SensorTopics.generate(settings).records());
        Path spec = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "changed");
        Path checkpoints = dir.resolve(".flowbundle/checkpoints/sensor-hourly-changed");
        killAfterFirstCheckpoint(dir, spec, checkpoints, "changed-out");
        // the same pipeline without dedupe: the dedupe operator's state has nowhere to go
        Path changed =
                TestPipelines.write(
                        dir.resolve("changed/stream-spec.yaml"),
                        Files.readString(spec).replace("dedupe: {key: id, retention: 1h}\n", ""));

        // unbounded: a bounded run would not resume at all (StreamRestore.forBounded)
        CliProcess refused = CliProcess.start(dir, log("changed-refused"), stream(changed));
        try {
            assertThat(refused.awaitExit(TIMEOUT)).as(refused.tail()).isEqualTo(2);
        } finally {
            refused.kill();
        }
        List<String> errors = refused.output().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).as(refused.tail()).hasSize(1);
        assertThat(errors.get(0))
                .containsPattern(
                        "cannot restore retained state file:"
                                + checkpoints
                                + "/[0-9a-f]{32}/chk-\\d+: Cannot map checkpoint/savepoint state for operator")
                .contains("--from-scratch")
                .doesNotContain("allowNonRestoredState");
        // the CLI prints no trace of its own (Flink's LocalExecutor logs one at ERROR before it)
        List<String> lines = refused.output().lines().toList();
        assertThat(lines.subList(lines.indexOf(errors.get(0)), lines.size()))
                .as("after the error line")
                .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));

        CliProcess scratch =
                CliProcess.start(
                        dir,
                        log("changed-scratch"),
                        stream(changed, "--bounded", "--from-scratch"));
        try {
            assertThat(scratch.awaitExit(TIMEOUT)).as(scratch.tail()).isZero();
        } finally {
            scratch.kill();
        }
        assertThat(scratch.output())
                .contains("starting from scratch (--from-scratch)")
                .contains("reading changed from its earliest offsets (start: earliest)");
    }

    /**
     * Starts the pipeline, waits for a complete checkpoint and committed output, then SIGKILLs it.
     */
    private static void killAfterFirstCheckpoint(
            Path dir, Path spec, Path checkpoints, String outputTopic) throws Exception {
        CliProcess first = CliProcess.start(dir, log(outputTopic + "-first"), stream(spec));
        try {
            first.awaitWhileRunning(
                    "complete checkpoint and committed output",
                    () ->
                            completeCheckpoints(checkpoints) > 0
                                    && !KAFKA.readCommitted(outputTopic).isEmpty(),
                    TIMEOUT);
        } finally {
            first.kill();
        }
    }

    /** Child logs under target/, where they outlive the test's temp folder. */
    private static Path log(String name) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", "StreamRestartITCase"));
        return folder.resolve(name + ".log").toAbsolutePath();
    }

    private static List<String> stream(Path spec, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "stream",
                                "--pipeline",
                                spec.toString(),
                                "--checkpoint-interval",
                                "1s",
                                "-p",
                                "2"));
        args.addAll(List.of(more));
        return args;
    }

    private static long completeCheckpoints(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata")).count();
        } catch (IOException e) {
            // a checkpoint folder deleted while walking: look again at the next poll
            return 0;
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    private static String kafka(String topic, Path file) {
        try {
            return SensorTopics.results(KAFKA.readCommitted(topic), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of a results query; 0 while it has no files to read yet. */
    private static long rows(String results) {
        try {
            return duck.count("SELECT count(*) FROM (" + results + ")");
        } catch (RuntimeException noFilesYet) {
            return 0;
        }
    }

    private static long duplicateWindows(String results) {
        return duck.count(
                "SELECT count(*) - count(DISTINCT (device_id, window_start)) FROM ("
                        + results
                        + ")");
    }
}
