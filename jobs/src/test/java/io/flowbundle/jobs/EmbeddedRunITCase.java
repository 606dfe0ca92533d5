package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the way the launcher runs them: on an embedded MiniCluster of their own (no test cluster is
 * installed here), started early by {@link EarlyCluster} while the run plans its job.
 */
class EmbeddedRunITCase {

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    /**
     * A bounded streaming job may end only after a checkpoint taken once every task has finished,
     * which commits the exactly-once output; Flink triggers that checkpoint as soon as all tasks
     * have reached the end of their input (SchedulerBase#notifyEndOfData), not at the next periodic
     * interval. The interval here is an hour: the run must still end promptly, every result
     * committed.
     */
    @Test
    void boundedStreamRunEndsWithoutWaitingForThePeriodicCheckpoint(@TempDir Path dir)
            throws Exception {
        assertThat(Environments.embedded())
                .as("no test cluster installed as the context environment")
                .isTrue();
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(11)
                        .withEvents(3_000)
                        .withDays(1)
                        .withDuplicates(0.02);
        SensorTopics.Events events = SensorTopics.generate(settings);
        KAFKA.createTopic("embedded", 2);
        KAFKA.produce("embedded", events.records());

        RuntimeConfig base = TestPipelines.streaming(dir);
        Map<String, String> flink = new HashMap<>(base.flink());
        flink.put("execution.checkpointing.interval", "1 h");
        RuntimeConfig config =
                new RuntimeConfig(base.auditLog(), base.actor(), Map.copyOf(flink), null, null);
        StreamRun run =
                new StreamRun(
                        SpecLoader.load(
                                TestPipelines.sensorHourlyStream(
                                        dir, KAFKA.bootstrap(), "embedded")),
                        config,
                        true,
                        Duration.ofSeconds(5));

        StreamRun.Summary summary =
                assertTimeoutPreemptively(Duration.ofMinutes(2), () -> run.run());

        assertThat(summary.status()).isEqualTo(AuditRecord.SUCCEEDED);
        assertThat(summary.counts().consumed()).isEqualTo(events.records().size());
        assertThat(summary.counts().duplicates()).isPositive();
        assertThat(summary.counts().reconciles()).isTrue();
        // both sinks commit on that checkpoint: every window is in the topic and in Parquet
        List<String> committed = KAFKA.readCommitted("embedded-out");
        assertThat(committed).hasSize((int) summary.counts().loaded()).isNotEmpty();
        try (DuckDb duck = new DuckDb()) {
            SensorOracle.assertSameResults(
                    duck,
                    SensorTopics.results(committed, dir.resolve("kafka-out.jsonl")),
                    SensorOracle.results(dir.resolve("stream/hourly")));
        }
    }

    @Test
    void batchRunMatchesTheOracle(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("input");
        SampleData.Counts generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withSeed(5)
                                .withEvents(4_000)
                                .withDays(1)
                                .withDuplicates(0.02),
                        "zstd");

        BatchRun.Summary summary =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourly(
                                                dir.resolve("spec"), input, dir.resolve("out"))),
                                TestPipelines.runtime(dir),
                                null)
                        .run();

        assertThat(summary.counts().consumed()).isEqualTo(generated.total());
        assertThat(summary.counts().reconciles()).isTrue();
        SensorOracle.assertMatchesInput(dir.resolve("out/sensor-hourly"), input);
    }

    @Test
    void anEarlyClusterNoJobClaimsIsShutDown() throws Exception {
        EarlyCluster early =
                EarlyCluster.start(
                        Environments.configuration(
                                RunInfo.Mode.BATCH, Map.of("parallelism.default", "1")));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!early.idle() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(early.idle()).as("started").isTrue();

        early.closeIfUnclaimed().get(1, TimeUnit.MINUTES);

        assertThat(early.idle()).isFalse();
    }

    @Test
    void aJobNeedingMoreSlotsThanTheEarlyClusterHasGetsOneThatFits() throws Exception {
        EarlyCluster early =
                EarlyCluster.start(
                        Environments.configuration(
                                RunInfo.Mode.BATCH, Map.of("parallelism.default", "1")));
        StreamExecutionEnvironment env = early.environment();

        List<Integer> doubled = new ArrayList<>();
        try (CloseableIterator<Integer> results =
                env.fromData(1, 2, 3, 4)
                        .rebalance()
                        .map(x -> x * 2)
                        .setParallelism(3)
                        .executeAndCollect()) {
            results.forEachRemaining(doubled::add);
        }

        assertThat(doubled).containsExactlyInAnyOrder(2, 4, 6, 8);
        early.closeIfUnclaimed().get(1, TimeUnit.MINUTES);
        assertThat(early.idle()).as("the early cluster was closed, not left running").isFalse();
    }
}
