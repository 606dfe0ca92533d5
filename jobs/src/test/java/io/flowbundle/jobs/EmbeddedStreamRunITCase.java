package io.flowbundle.jobs;

import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A bounded streaming run the way the launcher runs it: on its own embedded MiniCluster (no test
 * cluster installed here). The job may end only after a checkpoint taken once every task has
 * finished, which commits the exactly-once output; Flink triggers that checkpoint as soon as all
 * tasks have reached the end of their input (SchedulerBase#notifyEndOfData), not at the next
 * periodic interval. The interval here is an hour: the run must still end promptly, with every
 * result committed.
 */
class EmbeddedStreamRunITCase {

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void boundedRunEndsWithoutWaitingForThePeriodicCheckpoint(@TempDir Path dir) throws Exception {
        assertThat(Environments.embedded()).as("no test cluster installed as the context environment").isTrue();
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults().withSeed(11).withEvents(3_000).withDays(1).withDuplicates(0.02);
        SensorTopics.Events events = SensorTopics.generate(settings);
        KAFKA.createTopic("embedded", 2);
        KAFKA.produce("embedded", events.records());

        RuntimeConfig base = TestPipelines.streaming(dir);
        Map<String, String> flink = new HashMap<>(base.flink());
        flink.put("execution.checkpointing.interval", "1 h");
        RuntimeConfig config = new RuntimeConfig(base.auditLog(), base.actor(), Map.copyOf(flink), null, null);
        StreamRun run = new StreamRun(
                SpecLoader.load(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "embedded")),
                config, true, Duration.ofSeconds(5));

        StreamRun.Summary summary = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> run.run());

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
}
