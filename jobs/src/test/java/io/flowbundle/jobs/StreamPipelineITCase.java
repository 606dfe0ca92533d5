package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job over a real Kafka broker on a MiniCluster: the same pipeline as the batch job,
 * only source and sinks differ, and the same data gives the same windows.
 */
class StreamPipelineITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void streamingAndBatchGiveIdenticalWindowsOnTheSameData(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(7)
                        .withEvents(20_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path parquetInput = dir.resolve("parquet");
        SampleData.Counts counts = SampleData.writeParquet(parquetInput, settings, "snappy");
        KAFKA.createTopic("parity", 4);
        produce("parity", settings);

        BatchRun.Summary batch =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourly(
                                                dir.resolve("batch-spec"),
                                                parquetInput,
                                                dir.resolve("batch"))),
                                TestPipelines.runtime(dir),
                                null)
                        .run();
        PipelineSpec streamSpec =
                SpecLoader.load(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "parity"));
        StreamRun.Summary stream =
                new StreamRun(
                                streamSpec,
                                TestPipelines.streaming(dir),
                                true,
                                java.time.Duration.ofSeconds(5))
                        .run();

        // the core promise: identical window results
        SensorOracle.assertSameResults(
                duck,
                SensorOracle.results(dir.resolve("stream/hourly")),
                SensorOracle.results(dir.resolve("batch/sensor-hourly")));
        SensorOracle.assertSameResults(
                duck,
                SensorOracle.results(dir.resolve("stream/hourly")),
                SensorOracle.expected(parquetInput + "/**/*.parquet"));
        // the Kafka sink carries the same rows, each once
        SensorOracle.assertSameResults(
                duck,
                SensorTopics.results(
                        KAFKA.readCommitted("parity-out"), dir.resolve("kafka-out.jsonl")),
                SensorOracle.results(dir.resolve("batch/sensor-hourly")));

        assertThat(stream.counts().consumed()).isEqualTo(counts.total());
        assertThat(stream.counts().rejectedOnInput()).isEqualTo(batch.counts().rejectedOnInput());
        assertThat(stream.counts().duplicates())
                .isEqualTo(batch.counts().duplicates())
                .isEqualTo(counts.of(Kind.DUPLICATE));
        assertThat(stream.counts().late()).isZero();
        assertThat(stream.counts().reconciles()).isTrue();

        // the landing (staging) layer is the batch job's input for a rerun: same results again
        BatchRun.Summary fromLanding =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourly(
                                                dir.resolve("landing-spec"),
                                                dir.resolve("stream/landing"),
                                                dir.resolve("rerun"))),
                                TestPipelines.runtime(dir),
                                null)
                        .run();
        assertThat(fromLanding.counts().rejectedOnInput()).isZero();
        SensorOracle.assertSameResults(
                duck,
                SensorOracle.results(dir.resolve("rerun/sensor-hourly")),
                SensorOracle.results(dir.resolve("batch/sensor-hourly")));

        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .filteredOn(r -> r.runId().equals(stream.run().runId()))
                .extracting(AuditRecord::step, AuditRecord::status)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("run", AuditRecord.RUNNING),
                        org.assertj.core.groups.Tuple.tuple("validate", AuditRecord.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("run", AuditRecord.SUCCEEDED));
        assertThat(audit).allMatch(AuditRecord::reconciles);
    }

    @Test
    void deadLettersKeepRawRecordReasonAndOffsetAndLateEventsAreSetAside(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(11)
                        .withEvents(10_000)
                        .withDays(1)
                        .withInvalid(0.05)
                        .withLate(0.01)
                        .withMalformedJson(true);
        KAFKA.createTopic("dlq-test", 3);
        SampleData.Counts counts = produce("dlq-test", settings);

        StreamRun.Summary stream =
                new StreamRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourlyStream(
                                                dir, KAFKA.bootstrap(), "dlq-test")),
                                TestPipelines.streaming(dir),
                                true,
                                java.time.Duration.ofSeconds(5))
                        .run();

        List<JsonNode> dead = new ArrayList<>();
        for (String line : KAFKA.readCommitted("dlq-test-dlq")) {
            dead.add(JSON.readTree(line));
        }
        Map<String, Integer> byRule = new HashMap<>();
        dead.forEach(
                d ->
                        byRule.merge(
                                d.get("stage").asText() + "/" + d.get("rule").asText(),
                                1,
                                Integer::sum));
        assertThat(dead)
                .hasSize(
                        (int)
                                (counts.of(Kind.INVALID)
                                        + counts.of(Kind.MALFORMED)
                                        + counts.of(Kind.LATE)));
        assertThat(byRule.keySet())
                .containsExactlyInAnyOrder(
                        "input/parse", "input/type", "input/required", "input/range", "late/late");
        assertThat(byRule.get("late/late")).isEqualTo((int) counts.of(Kind.LATE));
        assertThat(byRule.get("input/parse") + byRule.get("input/type"))
                .isEqualTo((int) counts.of(Kind.MALFORMED));
        assertThat(dead)
                .allSatisfy(
                        d -> {
                            assertThat(d.get("partition").isInt()).isTrue();
                            assertThat(d.get("offset").isNumber()).isTrue();
                            assertThat(d.get("source").asText())
                                    .isEqualTo("kafka://" + KAFKA.bootstrap() + "/dlq-test");
                            assertThat(d.get("run_id").asText()).isEqualTo(stream.run().runId());
                            assertThat(d.get("reason").asText()).isNotBlank();
                        });
        // a record that is not JSON is kept byte for byte, with where the parser stopped
        assertThat(dead)
                .filteredOn(d -> d.get("rule").asText().equals("parse"))
                .allSatisfy(
                        d -> {
                            assertThat(d.get("record").asText())
                                    .startsWith("{\"id\": \"evt-11-")
                                    .endsWith("\"device_id\": ");
                            assertThat(d.get("reason").asText()).contains("line 1, column");
                        });
        assertThat(dead)
                .filteredOn(d -> d.get("rule").asText().equals("type"))
                .allSatisfy(
                        d ->
                                assertThat(d.get("reason").asText())
                                        .isEqualTo(
                                                "temperature_c: expected a number, got a string"));

        assertThat(stream.counts().late()).isEqualTo(counts.of(Kind.LATE));
        assertThat(stream.counts().reconciles()).isTrue();
        // late events are valid data: they are landed, so a batch rerun of their date includes them
        assertThat(duck.count("SELECT count(*) FROM " + parquet(dir.resolve("stream/landing"))))
                .isEqualTo(counts.total() - counts.of(Kind.INVALID) - counts.of(Kind.MALFORMED));
    }

    @Test
    void duplicatesAreDroppedAcrossPartitions(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(3)
                        .withEvents(2_000)
                        .withDays(1)
                        .withDuplicates(0)
                        .withInvalid(0);
        KAFKA.createTopic("cross", 2);
        // every event twice: once into partition 0, once into partition 1
        List<byte[]> events = new ArrayList<>();
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        while (generator.hasNext()) {
            events.add(generator.next().json());
        }
        KAFKA.produceTo("cross", 0, events);
        KAFKA.produceTo("cross", 1, events);

        StreamRun.Summary stream =
                new StreamRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourlyStream(
                                                dir, KAFKA.bootstrap(), "cross")),
                                TestPipelines.streaming(dir),
                                true,
                                java.time.Duration.ofSeconds(5))
                        .run();

        assertThat(stream.counts().consumed()).isEqualTo(4_000);
        assertThat(stream.counts().duplicates()).isEqualTo(2_000);
        assertThat(duck.count("SELECT sum(readings) FROM " + parquet(dir.resolve("stream/hourly"))))
                .isEqualTo(2_000);
    }

    private static SampleData.Counts produce(String topic, SensorEventGenerator.Settings settings)
            throws Exception {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Map<Kind, Long> byKind = new java.util.EnumMap<>(Kind.class);
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            records.add(Map.entry(event.deviceId(), event.json()));
            byKind.merge(event.kind(), 1L, Long::sum);
        }
        KAFKA.produce(topic, records);
        return new SampleData.Counts(byKind, records.size());
    }
}
