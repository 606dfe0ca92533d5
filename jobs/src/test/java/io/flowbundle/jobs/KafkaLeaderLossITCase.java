package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.kafka.KafkaConnectors;
import io.flowbundle.connector.kafka.KafkaEventSource;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.KafkaCluster;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 2 of docs/RELIABILITY.md: the broker that leads every partition of the source, output and
 * dead-letter topics is stopped while a streaming run (embedded MiniCluster, checkpoints every
 * second, exactly-once Kafka sink and Parquet sink) reads, and started again later. Leadership
 * moves to the two other replicas ({@code min.insync.replicas} 2 still holds), the source and the
 * transactional producers follow it, and the run ends as a run without the fault: each window once
 * in the read_committed output and in Parquet, equal to DuckDB's answer, every dead letter once,
 * and the audit reconciles.
 */
@Tag("faults")
class KafkaLeaderLossITCase {

    @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void theRunOutlivesItsPartitionLeaderAndWritesEveryWindowOnce(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(41)
                        .withEvents(12_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path input = dir.resolve("input");
        SampleData.Counts generated = SampleData.writeParquet(input, settings, "snappy");
        int leader = KAFKA.brokerIds().stream().sorted().findFirst().orElseThrow();
        List<String> topics = List.of("events", "events-out", "events-dlq");
        for (String topic : topics) {
            KAFKA.createTopic(topic, 2, leader);
        }
        KafkaBroker.produce(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()),
                "events",
                SensorTopics.generate(settings).records());

        PipelineSpec spec =
                SpecLoader.load(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "events"));
        RuntimeConfig config = TestPipelines.streaming(dir);
        Map<String, String> flink = new HashMap<>(config.flink());
        flink.put("restart-strategy.type", "fixed-delay");
        flink.put("restart-strategy.fixed-delay.attempts", "10");
        flink.put("restart-strategy.fixed-delay.delay", "1 s");
        RuntimeConfig runtime =
                new RuntimeConfig(config.auditLog(), config.actor(), Map.copyOf(flink), null, null);
        KafkaEventSource slowed =
                new KafkaEventSource(
                        KafkaConnectors.source(
                                (KafkaSourceSpec) spec.source(),
                                new Slowed(KafkaEventSource.deserializer(spec)),
                                true),
                        KafkaEventSource.watermarks(spec),
                        "events");
        Slowed.slow = true;
        CompletableFuture<StreamRun.Summary> run =
                CompletableFuture.supplyAsync(
                        () ->
                                new StreamRun(spec, runtime, true, Duration.ofSeconds(5))
                                        .run(slowed));
        long started = System.nanoTime();
        try {
            // mid-run: a checkpoint has committed the first windows, most events are still unread
            int before = await(run, "committed windows", () -> committed("events-out") > 0);
            log("first windows committed", started);
            KAFKA.stopBroker(leader);
            log("leader " + leader + " stopped", started);
            assertThat(KAFKA.leaders("events")).doesNotContain(leader, -1);
            assertThat(KAFKA.leaders("events-out")).doesNotContain(leader, -1);
            // checkpoints go on without it: more windows committed by the new leaders
            await(
                    run,
                    "windows committed without the old leader",
                    () -> committed("events-out") > before);
            log("windows committed without the leader", started);
            KAFKA.startBroker(leader, topics);
            log("leader " + leader + " back in sync and leading again", started);
            assertThat(run).as("the run, when its old leader is back").isNotDone();
            Slowed.slow = false;
            StreamRun.Summary summary = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            log("run ended", started);

            assertThat(summary.status()).isEqualTo(AuditRecord.SUCCEEDED);
            assertThat(summary.counts().consumed()).isEqualTo(generated.total());
            assertThat(summary.counts().duplicates()).isEqualTo(generated.of(Kind.DUPLICATE));
            assertThat(summary.counts().rejectedOnInput()).isEqualTo(generated.of(Kind.INVALID));
            assertThat(summary.counts().reconciles()).isTrue();
            List<String> output = KafkaBroker.readCommitted(KAFKA.bootstrap(), "events-out");
            List<String> deadLetters = KafkaBroker.readCommitted(KAFKA.bootstrap(), "events-dlq");
            assertThat(deadLetters)
                    .hasSize((int) generated.of(Kind.INVALID))
                    .doesNotHaveDuplicates();
            try (DuckDb duck = new DuckDb()) {
                String expected = SensorOracle.expected(input + "/**/*.parquet");
                String fromKafka = SensorTopics.results(output, dir.resolve("out.jsonl"));
                String fromParquet = SensorOracle.results(dir.resolve("stream/hourly"));
                assertThat(output)
                        .doesNotHaveDuplicates()
                        .hasSize((int) duck.count("SELECT count(*) FROM (" + expected + ")"));
                SensorOracle.assertSameResults(duck, fromKafka, expected);
                SensorOracle.assertSameResults(duck, fromParquet, expected);
                assertThat(
                                duck.count(
                                        "SELECT count(*) - count(DISTINCT (device_id, window_start)) FROM ("
                                                + fromParquet
                                                + ")"))
                        .as("windows written twice to Parquet")
                        .isZero();
            }
            List<AuditRecord> audit = new AuditLog(runtime.auditLog()).read();
            assertThat(audit)
                    .filteredOn(r -> r.runId().equals(summary.run().runId()))
                    .extracting(AuditRecord::step, AuditRecord::status)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("run", AuditRecord.RUNNING),
                            org.assertj.core.groups.Tuple.tuple("run", AuditRecord.SUCCEEDED));
            assertThat(audit).allMatch(AuditRecord::reconciles);
        } finally {
            Slowed.slow = false;
            if (!KAFKA.running(leader)) {
                KAFKA.startBroker(leader, List.of());
            }
            run.cancel(true);
        }
    }

    private static long committed(String topic) {
        return KafkaBroker.readCommitted(KAFKA.bootstrap(), topic).size();
    }

    private static int await(CompletableFuture<?> run, String what, BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (run.isDone()) {
                run.get();
                throw new AssertionError("the run ended before " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TIMEOUT);
            }
            Thread.sleep(250);
        }
        return (int) committed("events-out");
    }

    private static void log(String what, long startedNanos) {
        System.out.printf(
                "KafkaLeaderLossITCase: %s after %d ms%n",
                what, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /**
     * The real deserializer, 4 ms per record while {@link #slow}: the run then lasts long enough
     * (about 25 s of reading) for the broker to be stopped and started again in the middle of it.
     */
    static final class Slowed implements KafkaRecordDeserializationSchema<RowData> {
        private static final long serialVersionUID = 1L;
        static volatile boolean slow;

        private final KafkaRecordDeserializationSchema<RowData> delegate;

        Slowed(KafkaRecordDeserializationSchema<RowData> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void open(
                org.apache.flink.api.common.serialization.DeserializationSchema
                                .InitializationContext
                        context)
                throws Exception {
            delegate.open(context);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out)
                throws IOException {
            if (slow) {
                try {
                    Thread.sleep(4);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return delegate.getProducedType();
        }
    }
}
