package io.flowbundle.jobs;

import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

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
        List<Map.Entry<String, byte[]>> events = new ArrayList<>();
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        long lastTime = 0;
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            events.add(Map.entry(event.deviceId(), event.json()));
            lastTime = Math.max(lastTime, event.timestampMillis());
        }
        KAFKA.createTopic(TOPIC, 2);
        KAFKA.produce(TOPIC, events.subList(0, events.size() / 2));

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
            KAFKA.produce(TOPIC, events.subList(events.size() / 2, events.size()));
            // ... and after it; events far ahead in every partition move the watermark past them all
            String flush =
                    "{\"id\": \"flush-%d\", \"type\": \"reading\", \"timestamp\": \"%s\", \"device_id\": \"flush\"}";
            for (int partition = 0; partition < 2; partition++) {
                KAFKA.produceTo(TOPIC, partition, List.of(String.format(flush, partition,
                        java.time.Instant.ofEpochMilli(lastTime + Duration.ofHours(3).toMillis())).getBytes(StandardCharsets.UTF_8)));
            }
            Path expectedInput = dir.resolve("parquet");
            try (DuckDb duck = new DuckDb()) {
                long expected = duck.count("SELECT count(*) FROM (" + SensorOracle.expected(expectedInput + "/**/*.parquet") + ")");
                awaitOutput(rows -> rows.size() >= expected);
                // a few more checkpoints: nothing more may appear
                Thread.sleep(1_500);
                List<String> output = KAFKA.readCommitted(TOPIC + "-out");
                assertThat(FailOnPoison.FAILED).isTrue();
                assertThat(output).hasSize((int) expected).doesNotHaveDuplicates();
                Path file = Files.write(dir.resolve("out.jsonl"), String.join("\n", output).getBytes(StandardCharsets.UTF_8));
                SensorOracle.assertSameResults(
                        duck,
                        "SELECT device_id, window_start::TIMESTAMP AS window_start, readings, avg_temp FROM read_json('"
                                + file + "', format = 'newline_delimited')",
                        SensorOracle.expected(expectedInput + "/**/*.parquet"));
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitOutput(java.util.function.Predicate<List<String>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.test(KAFKA.readCommitted(TOPIC + "-out"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("output topic did not reach the expected state within " + TIMEOUT);
            }
            Thread.sleep(200);
        }
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
