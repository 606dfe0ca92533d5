package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.kafka.KafkaConnectors;
import io.flowbundle.connector.kafka.KafkaEventSource;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once output under a failure: the job fails once mid-stream, restarts from its last
 * checkpoint, and a read_committed consumer of the output topic still sees each window result
 * exactly once, equal to what DuckDB computes from the same events. With either state backend:
 * their dedupe layouts differ (a table per key group on the heap; state entries and keys held in
 * memory until the next checkpoint on RocksDB), and both must lose nothing and let no duplicate
 * through across the restore.
 */
class ExactlyOnceITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void eachWindowResultIsCommittedOnceDespiteAFailureMidStream(
            String stateBackend, @TempDir Path dir) throws Exception {
        String topic = "exactly-once-" + stateBackend;
        FailOnPoison.arm();
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(5)
                        .withEvents(6_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01);
        SampleData.writeParquet(dir.resolve("parquet"), settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        KAFKA.createTopic(topic, 2);
        KAFKA.produce(topic, events.firstHalf());

        PipelineSpec spec =
                SpecLoader.load(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), topic));
        RunInfo run = RunInfo.start(RunInfo.Mode.STREAMING, null);
        EventSource failingOnce =
                new KafkaEventSource(
                        KafkaConnectors.source(
                                (KafkaSourceSpec) spec.source(),
                                new FailOnPoison(KafkaEventSource.deserializer(spec)),
                                false),
                        KafkaEventSource.watermarks(spec),
                        topic);
        Map<String, String> flink = new java.util.HashMap<>(StreamRun.STREAMING_DEFAULTS);
        flink.putAll(TestPipelines.streaming(dir).flink());
        flink.put("state.backend.type", stateBackend);
        flink.put("execution.checkpointing.interval", "500 ms");
        flink.put("restart-strategy.type", "fixed-delay");
        flink.put("restart-strategy.fixed-delay.attempts", "3");
        flink.put("restart-strategy.fixed-delay.delay", "200 ms");
        JobClient job =
                new PipelineJob(spec, run, failingOnce, new OutputSinks(spec, run))
                        .executeAsync(Environments.create(RunInfo.Mode.STREAMING, flink));
        try {
            // some windows are committed before the failure ...
            awaitOutput(topic, rows -> !rows.isEmpty());
            KAFKA.produce(
                    topic,
                    List.of(
                            Map.entry(
                                    "device-000",
                                    "{\"id\": \"poison\"".getBytes(StandardCharsets.UTF_8))));
            KAFKA.produce(topic, events.secondHalf());
            // ... and after it
            SensorTopics.flushWindows(KAFKA, topic, 2, events.lastEventMillis());
            Path expectedInput = dir.resolve("parquet");
            try (DuckDb duck = new DuckDb()) {
                long expected =
                        duck.count(
                                "SELECT count(*) FROM ("
                                        + SensorOracle.expected(expectedInput + "/**/*.parquet")
                                        + ")");
                awaitOutput(topic, rows -> rows.size() >= expected);
                // a few more checkpoints: nothing more may appear
                Thread.sleep(1_500);
                List<String> output = KAFKA.readCommitted(topic + "-out");
                assertThat(FailOnPoison.FAILED).isTrue();
                assertThat(output).hasSize((int) expected).doesNotHaveDuplicates();
                SensorOracle.assertSameResults(
                        duck,
                        SensorTopics.results(output, dir.resolve("out.jsonl")),
                        SensorOracle.expected(expectedInput + "/**/*.parquet"));
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitOutput(String topic, java.util.function.Predicate<List<String>> done)
            throws InterruptedException {
        SensorTopics.await(KAFKA, topic + "-out", done, TIMEOUT);
    }

    /** Throws once, the first time it meets the poison record; then behaves. */
    static final class FailOnPoison implements KafkaRecordDeserializationSchema<RowData> {
        private static final long serialVersionUID = 1L;
        static volatile boolean FAILED;
        private static final AtomicBoolean ARMED = new AtomicBoolean(true);

        private final KafkaRecordDeserializationSchema<RowData> delegate;

        static void arm() {
            FAILED = false;
            ARMED.set(true);
        }

        FailOnPoison(KafkaRecordDeserializationSchema<RowData> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out)
                throws IOException {
            if (new String(record.value(), StandardCharsets.UTF_8).contains("\"poison\"")
                    && ARMED.compareAndSet(true, false)) {
                FAILED = true;
                throw new IOException(
                        "injected failure: the job must restart from its last checkpoint");
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return delegate.getProducedType();
        }
    }
}
