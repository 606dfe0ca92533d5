package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DeviceOracle;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.TestPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines with several inputs as streaming jobs over a real Kafka broker on a MiniCluster: the
 * example sensor-hourly-by-building (the readings from Kafka, the device registry read once from
 * Parquet, the same SQL file as the batch job) gives the batch job's rows and DuckDB's; and two
 * Kafka event streams join with an interval join, as DuckDB joins the same records.
 */
class StreamJoinITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static final int DEVICES = 20;

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
    void theExampleGivesTheSameRowsStreamingAsInBatchAndAsDuckDb(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(11)
                        .withEvents(10_000)
                        .withDays(1)
                        .withDevices(DEVICES)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path events = dir.resolve("sensor-events");
        SampleData.Counts generated = SampleData.writeParquet(events, settings, "snappy");
        Path devices = dir.resolve("devices");
        DeviceOracle.writeRegistry(devices, DEVICES);
        KAFKA.createTopic("readings", 4);
        produce("readings", settings);

        BatchRun.Summary batch =
                new BatchRun(
                                SpecLoader.load(batchSpec(dir, events, devices)),
                                TestPipelines.runtime(dir),
                                null)
                        .run();
        StreamRun.Summary stream =
                new StreamRun(
                                SpecLoader.load(streamSpec(dir, devices)),
                                TestPipelines.streaming(dir),
                                true,
                                Duration.ofSeconds(5))
                        .run();

        String expected = DeviceOracle.expected(events + "/**/*.parquet", devices);
        DeviceOracle.assertSameResults(
                duck, DeviceOracle.results(dir.resolve("stream/hourly")), expected);
        DeviceOracle.assertSameResults(
                duck,
                DeviceOracle.results(dir.resolve("stream/hourly")),
                DeviceOracle.results(dir.resolve("batch/hourly")));

        RunCounts counts = stream.counts();
        assertThat(counts.consumed()).isEqualTo(generated.total());
        assertThat(counts.duplicates()).isEqualTo(generated.of(Kind.DUPLICATE));
        assertThat(counts.late()).isZero();
        assertThat(counts.ofInput("devices").consumed()).isEqualTo(DEVICES);
        assertThat(counts.ofInput("devices").rejectedOnInput())
                .isEqualTo(2)
                .isEqualTo(batch.counts().ofInput("devices").rejectedOnInput());
        assertThat(counts.reconciles()).isTrue();

        // the registry was read once, at start, and the audit says so
        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .filteredOn(
                        r -> r.runId().equals(stream.run().runId()) && r.step().equals("extract"))
                .singleElement()
                .satisfies(
                        extract -> {
                            assertThat(extract.sources()).containsExactly(devices.toString());
                            assertThat(extract.rowsIn()).isEqualTo(DEVICES);
                            assertThat(extract.settings())
                                    .containsEntry("read", "once, when the job starts");
                        });
        assertThat(audit).allMatch(AuditRecord::reconciles);
    }

    @Test
    void twoEventStreamsJoinWithinAnIntervalAsDuckDbJoinsThem(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings first =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(21)
                        .withEvents(3_000)
                        .withDays(1)
                        .withDevices(DEVICES)
                        .withDuplicates(0.02)
                        .withInvalid(0.02);
        SensorEventGenerator.Settings second = first.withSeed(22).withEvents(2_000);
        Path firstParquet = dir.resolve("first");
        Path secondParquet = dir.resolve("second");
        SampleData.writeParquet(firstParquet, first, "snappy");
        SampleData.writeParquet(secondParquet, second, "snappy");
        KAFKA.createTopic("first", 2);
        KAFKA.createTopic("second", 2);
        produce("first", first);
        produce("second", second);

        String sql =
                "SELECT a.id AS first_id, b.id AS second_id, a.device_id,"
                        + " CAST(a.`timestamp` AS TIMESTAMP(3)) AS first_time,"
                        + " CAST(b.`timestamp` AS TIMESTAMP(3)) AS second_time\n"
                        + "FROM a, b\n"
                        + "WHERE a.device_id = b.device_id\n"
                        + "  AND a.`timestamp` BETWEEN b.`timestamp` - INTERVAL '2' MINUTE"
                        + " AND b.`timestamp` + INTERVAL '2' MINUTE";
        String input =
                "    contract: "
                        + TestPipelines.CONF.resolve("contracts/sensor_events.yaml")
                        + "\n"
                        + "    event_time: timestamp\n"
                        + "    watermark: {max_out_of_orderness: 10s}\n"
                        + "    dedupe: {key: id, retention: 1h}\n";
        Path spec =
                TestPipelines.write(
                        dir.resolve("interval.yaml"),
                        "name: interval-join\n"
                                + "inputs:\n"
                                + "  a:\n"
                                + input
                                + kafka("first")
                                + "  b:\n"
                                + input
                                + kafka("second")
                                + "transform: |\n"
                                + TestPipelines.indent(sql)
                                + "\n"
                                + "sink: {type: parquet, path: "
                                + dir.resolve("pairs")
                                + "}\n"
                                + "quarantine: "
                                + dir.resolve("quarantine")
                                + "\n");

        StreamRun.Summary stream =
                new StreamRun(
                                SpecLoader.load(spec),
                                TestPipelines.streaming(dir),
                                true,
                                Duration.ofSeconds(5))
                        .run();

        String valid =
                " WHERE id IS NOT NULL AND type IN ('reading', 'heartbeat') AND device_id IS NOT"
                        + " NULL AND (temperature_c IS NULL OR temperature_c BETWEEN -50 AND 100)"
                        + " AND (humidity_percent IS NULL OR humidity_percent BETWEEN 0 AND 100)";
        String expected =
                "WITH a AS (SELECT DISTINCT ON (id) * FROM read_parquet('"
                        + firstParquet
                        + "/**/*.parquet')"
                        + valid
                        + "), b AS (SELECT DISTINCT ON (id) * FROM read_parquet('"
                        + secondParquet
                        + "/**/*.parquet')"
                        + valid
                        + ") SELECT a.id AS first_id, b.id AS second_id FROM a JOIN b USING"
                        + " (device_id) WHERE a.\"timestamp\" BETWEEN b.\"timestamp\" - INTERVAL 2"
                        + " MINUTE AND b.\"timestamp\" + INTERVAL 2 MINUTE";
        String actual = "SELECT first_id, second_id FROM " + parquet(dir.resolve("pairs"));
        long pairs = duck.count("SELECT count(*) FROM (" + expected + ")");
        assertThat(pairs).isPositive();
        assertThat(duck.count("SELECT count(*) FROM (" + actual + ")")).isEqualTo(pairs);
        assertThat(duck.count("SELECT count(*) FROM ((" + actual + ") EXCEPT (" + expected + "))"))
                .as("pairs DuckDB does not find")
                .isZero();

        RunCounts counts = stream.counts();
        assertThat(counts.otherInputs()).containsExactly("b");
        assertThat(counts.late()).isZero();
        assertThat(counts.ofInput("b").late()).isZero();
        assertThat(counts.reconciles()).isTrue();
    }

    private static String kafka(String topic) {
        return "    source: {type: kafka, topic: "
                + topic
                + ", bootstrap: '"
                + KAFKA.bootstrap()
                + "', group: g-"
                + topic
                + ", start: earliest}\n";
    }

    /** The example's batch spec over the test's Parquet. */
    private static Path batchSpec(Path dir, Path events, Path devices) {
        String example =
                TestPipelines.read(
                        TestPipelines.CONF.resolve("pipelines/sensor-hourly-by-building.yaml"));
        return TestPipelines.write(
                dir.resolve("batch-spec/spec.yaml"),
                paths(example)
                        .replace("../../data/sensor-events", events.toString())
                        .replace("../../data/devices", devices.toString())
                        .replace(
                                "../../out/sensor-hourly-by-building",
                                dir.resolve("batch/hourly").toString())
                        .replace(
                                "../../out/quarantine/sensor-hourly-by-building",
                                dir.resolve("batch/quarantine").toString()));
    }

    /** The example's streaming twin over the test's broker and registry. */
    private static Path streamSpec(Path dir, Path devices) {
        String example =
                TestPipelines.read(
                        TestPipelines.CONF.resolve(
                                "pipelines/sensor-hourly-by-building-stream.yaml"));
        return TestPipelines.write(
                dir.resolve("stream-spec/spec.yaml"),
                paths(example)
                        .replace("127.0.0.1:9092", KAFKA.bootstrap())
                        .replace("topic: sensor-events,", "topic: readings,")
                        .replace("../../data/devices", devices.toString())
                        .replace(
                                "../../out/stream/sensor-hourly-by-building",
                                dir.resolve("stream/hourly").toString())
                        .replace("topic: sensor-hourly-by-building,", "topic: readings-out,")
                        .replace("topic: sensor-events-dlq,", "topic: readings-dlq,"));
    }

    private static String paths(String example) {
        return example.replace("../contracts/", TestPipelines.CONF.resolve("contracts") + "/")
                .replace("../sql/", TestPipelines.CONF.resolve("sql") + "/");
    }

    private static void produce(String topic, SensorEventGenerator.Settings settings)
            throws Exception {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            records.add(Map.entry(event.deviceId(), event.json()));
        }
        KAFKA.produce(topic, records);
    }
}
