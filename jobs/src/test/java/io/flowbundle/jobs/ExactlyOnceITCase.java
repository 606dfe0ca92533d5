package io.flowbundle.jobs;

import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.data.RowData;
import io.flowbundle.testing.MiniClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once output under a failure: the job fails once mid-stream, restarts from its last
 * checkpoint, and a read_committed consumer of the output topic still sees each window result
 * exactly once, equal to what DuckDB computes from the same events.
 */
class ExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String TOPIC = "exactly-once";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void eachWindowResultIsCommittedOnceDespiteAFailureMidStream(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(5)
                        .withEvents(6_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01);
        SampleData.writeParquet(dir.resolve("parquet"), settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        KAFKA.createTopic(TOPIC, 2);
        KAFKA.produce(TOPIC, events.firstHalf());

        PipelineSpec spec = SpecLoader.load(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), TOPIC));
        RunInfo run = RunInfo.start(RunInfo.Mode.STREAMING, null);
        EventSource failingOnce =
                new KafkaEventSource(
                        io.flowbundle.kafka.KafkaConnectors.source(
                                (io.flowbundle.spec.SourceSpec.Kafka) spec.source(),
                                new FailOnPoison(KafkaEventSource.deserializer(spec)),
                                false),
                        KafkaEventSource.watermarks(spec),
                        TOPIC);
        Map<String, String> flink = new java.util.HashMap<>(TestPipelines.streaming(dir).flink());
        flink.put("execution.checkpointing.interval", "500 ms");
        flink.put("restart-strategy.type", "fixed-delay");
        flink.put("restart-strategy.fixed-delay.attempts", "3");
        flink.put("restart-strategy.fixed-delay.delay", "200 ms");
        JobClient job =
                new PipelineJob(spec, run, failingOnce, new OutputSinks(spec, run))
                        .executeAsync(Environments.create(RunInfo.Mode.STREAMING, flink));
        try {
            // some windows are committed before the failure ...
            awaitOutput(rows -> !rows.isEmpty());
            KAFKA.produce(TOPIC, List.of(Map.entry("device-000", "{\"id\": \"poison\"".getBytes(StandardCharsets.UTF_8))));
            KAFKA.produce(TOPIC, events.secondHalf());
            // ... and after it
            SensorTopics.flushWindows(KAFKA, TOPIC, 2, events.lastEventMillis());
            Path expectedInput = dir.resolve("parquet");
            try (DuckDb duck = new DuckDb()) {
                long expected = duck.count("SELECT count(*) FROM (" + SensorOracle.expected(expectedInput + "/**/*.parquet") + ")");
                awaitOutput(rows -> rows.size() >= expected);
                // a few more checkpoints: nothing more may appear
                Thread.sleep(1_500);
                List<String> output = KAFKA.readCommitted(TOPIC + "-out");
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

    private static void awaitOutput(java.util.function.Predicate<List<String>> done) throws InterruptedException {
        SensorTopics.await(KAFKA, TOPIC + "-out", done, TIMEOUT);
    }

    /** Throws once, the first time it meets the poison record; then behaves. */
    static final class FailOnPoison implements KafkaRecordDeserializationSchema<RowData> {
        private static final long serialVersionUID = 1L;
        static volatile boolean FAILED;
        private static final AtomicBoolean ARMED = new AtomicBoolean(true);

        private final KafkaRecordDeserializationSchema<RowData> delegate;

        FailOnPoison(KafkaRecordDeserializationSchema<RowData> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out) throws IOException {
            if (new String(record.value(), StandardCharsets.UTF_8).contains("\"poison\"") && ARMED.compareAndSet(true, false)) {
                FAILED = true;
                throw new IOException("injected failure: the job must restart from its last checkpoint");
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return delegate.getProducedType();
        }
    }
}
