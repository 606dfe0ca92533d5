package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle jar on a real standalone Flink cluster (started by scripts/flink-local from Maven
 * jars, in its own state folder) through the real Flink CLI (scripts/flink): a batch run checked
 * against DuckDB, and a detached streaming run stopped with a savepoint and resumed from it without
 * losing or duplicating a window.
 */
@Tag("cluster")
class FlinkClusterITCase {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUNDLE = ROOT.resolve("jobs/target/flowbundle.jar");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir static Path state;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(BUNDLE)
                .as("the bundle jar (mvn package builds it before integration tests)")
                .exists();
        Result start = script(List.of("scripts/flink-local", "start"), Duration.ofMinutes(4));
        assertThat(start.exit()).as(start.output()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        script(List.of("scripts/flink-local", "stop"), Duration.ofMinutes(2));
    }

    @Test
    void batchRunThroughFlinkRunMatchesDuckDb(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("events");
        SampleData.writeParquet(
                input,
                SensorEventGenerator.Settings.defaults()
                        .withEvents(20_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01),
                "snappy");
        Path spec = TestPipelines.sensorHourly(dir.resolve("spec"), input, dir.resolve("out"));
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"), "audit: {path: audit/audit.jsonl}\n");

        Result run =
                script(
                        List.of(
                                "scripts/flink",
                                "run",
                                BUNDLE.toString(),
                                "batch",
                                "--pipeline",
                                spec.toString(),
                                "--config",
                                config.toString()),
                        TIMEOUT);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("succeeded").contains("read 20000");
        SensorOracle.assertMatchesInput(dir.resolve("out/sensor-hourly"), input);
    }

    @Test
    void detachedStreamingRunStoppedWithASavepointAndResumedLosesAndRepeatsNothing(
            @TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(21)
                        .withEvents(6_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01);
        SampleData.writeParquet(dir.resolve("parquet"), settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        String topic = "cluster";
        KAFKA.createTopic(topic, 2);
        KAFKA.produce(topic, events.firstHalf());
        Path spec = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), topic);
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: audit/audit.jsonl}\nflink: {execution.checkpointing.interval: 1 s}\n");
        List<String> stream =
                List.of("stream", "--pipeline", spec.toString(), "--config", config.toString());

        String job = submitDetached(List.of(), stream);
        awaitOutput(topic, rows -> !rows.isEmpty());
        Result stop =
                script(
                        List.of(
                                "scripts/flink",
                                "stop",
                                "--savepointPath",
                                dir.resolve("savepoints").toString(),
                                job),
                        TIMEOUT);
        assertThat(stop.exit()).as(stop.output()).isZero();
        Matcher savepoint =
                Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stop.output());
        assertThat(savepoint.find()).as(stop.output()).isTrue();
        int beforeRestart = KAFKA.readCommitted(topic + "-out").size();

        KAFKA.produce(topic, events.secondHalf());
        SensorTopics.flushWindows(KAFKA, topic, 2, events.lastEventMillis());
        String resumed = submitDetached(List.of("-s", savepoint.group(1)), stream);
        try (DuckDb duck = new DuckDb()) {
            String expected = SensorOracle.expected(dir.resolve("parquet") + "/**/*.parquet");
            long count = duck.count("SELECT count(*) FROM (" + expected + ")");
            awaitOutput(topic, rows -> rows.size() >= count);
            List<String> output = KAFKA.readCommitted(topic + "-out");
            assertThat(beforeRestart).isPositive().isLessThan((int) count);
            assertThat(output).hasSize((int) count).doesNotHaveDuplicates();
            SensorOracle.assertSameResults(
                    duck, SensorTopics.results(output, dir.resolve("out.jsonl")), expected);
        } finally {
            script(List.of("scripts/flink", "cancel", resumed), TIMEOUT);
        }
    }

    private static String submitDetached(List<String> options, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/flink", "run", "-d"));
        command.addAll(options);
        command.add(BUNDLE.toString());
        command.addAll(args);
        Result submit = script(command, TIMEOUT);
        assertThat(submit.exit()).as(submit.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(submit.output());
        assertThat(id.find()).as(submit.output()).isTrue();
        return id.group(1);
    }

    private static void awaitOutput(String topic, Predicate<List<String>> done)
            throws InterruptedException {
        SensorTopics.await(KAFKA, topic + "-out", done, TIMEOUT);
    }

    private record Result(int exit, String output) {}

    /** Runs one of the repository's scripts with this test's own state folder. */
    private static Result script(List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(state, "script", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("FLOWBUNDLE_STATE", state.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    command + " did not finish within " + timeout + ":\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
