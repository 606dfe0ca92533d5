package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowbundle.FlowbundleException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.kafka.KafkaConnectors;
import io.flowbundle.connector.kafka.KafkaEventSource;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.Postgres;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgres sink against a real PostgreSQL: the streaming sensor pipeline lands every distinct
 * valid event once, as sent (fields the contract does not name included), a restart after a
 * failure, a replay and a batch rerun (over Parquet, or over the landing of a date) add nothing,
 * and a server that cannot be used stops the run before its job, in one line without the password.
 */
class PostgresSinkITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension static final Postgres POSTGRES = new Postgres();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The contract's rules (conf/contracts/sensor_events.yaml), as the oracle checks them. */
    private static final String VALID =
            "id IS NOT NULL AND type IN ('reading', 'heartbeat') AND \"timestamp\" IS NOT NULL"
                    + " AND device_id IS NOT NULL"
                    + " AND (temperature_c IS NULL OR temperature_c BETWEEN -50 AND 100)"
                    + " AND (humidity_percent IS NULL OR humidity_percent BETWEEN 0 AND 100)";

    private static final List<String> CONTRACT_COLUMNS =
            List.of(
                    "id",
                    "type",
                    "timestamp",
                    "device_id",
                    "temperature_c",
                    "humidity_percent",
                    "location");

    private static DuckDb duck;

    @BeforeAll
    static void startOracle() {
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    private static Map<String, String> env() {
        return Map.of("PG_PASSWORD", POSTGRES.password());
    }

    private static String postgres(String url, String table) {
        return "{type: postgres, url: '"
                + url
                + "', table: "
                + table
                + ", user: "
                + Postgres.USER
                + ", password: '${env:PG_PASSWORD}', batch_size: 200, flush_interval: 200 ms}";
    }

    /**
     * The streaming sensor spec with its staging layer in table {@code table} and source group
     * {@code group}.
     */
    private static Path streamSpec(Path dir, String topic, String group, String url, String table)
            throws IOException {
        Path file = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), topic);
        String text =
                Files.readString(file)
                        .replace("group: g-" + topic, "group: " + group)
                        .replace(
                                "staging: {path: " + dir.resolve("stream").resolve("landing") + "}",
                                "staging: " + postgres(url, table));
        assertThat(text).contains("staging: {type: postgres");
        return TestPipelines.write(file, text);
    }

    @Test
    void theStreamingPipelineLandsEachDistinctValidEventOnceAsSentAndARestartOrReplayAddsNone(
            @TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(5)
                        .withEvents(6_000)
                        .withDays(1)
                        .withDuplicates(0.05)
                        .withInvalid(0.03);
        KAFKA.createTopic("landing", 3);
        List<String> produced = withNewFields(generate(settings));
        // a record that fails the job once, halfway: it restarts from its last checkpoint and
        // writes again what it wrote after it
        List<String> firstHalf = produced.subList(0, produced.size() / 2);
        KAFKA.produce("landing", records(firstHalf));
        KAFKA.produce(
                "landing",
                List.of(
                        Map.entry(
                                "device-000",
                                "{\"id\": \"poison\"".getBytes(StandardCharsets.UTF_8))));
        KAFKA.produce("landing", records(produced.subList(firstHalf.size(), produced.size())));
        Path jsonl = dir.resolve("produced.jsonl");
        Files.writeString(jsonl, String.join("\n", produced));

        ExactlyOnceITCase.FailOnPoison.arm();
        PipelineSpec spec = load(streamSpec(dir, "landing", "g1", POSTGRES.url(), "sensor_events"));
        Instant started = Instant.now();
        StreamRun.Summary first =
                new StreamRun(spec, restarting(dir), true, Duration.ofSeconds(5))
                        .run(
                                new KafkaEventSource(
                                        KafkaConnectors.source(
                                                (KafkaSourceSpec) spec.source(),
                                                new ExactlyOnceITCase.FailOnPoison(
                                                        KafkaEventSource.deserializer(spec)),
                                                true),
                                        KafkaEventSource.watermarks(spec),
                                        "landing"));
        Duration took = Duration.between(started, Instant.now());
        assertThat(ExactlyOnceITCase.FailOnPoison.FAILED).as("the job failed once").isTrue();

        Set<String> expected = new HashSet<>();
        duck.query(
                        "SELECT DISTINCT id FROM read_json('"
                                + jsonl
                                + "', format = 'newline_delimited') WHERE "
                                + VALID)
                .forEach(row -> expected.add((String) row.get("id")));
        assertThat(expected).hasSizeGreaterThan(5_000);
        assertThat(POSTGRES.count("SELECT count(*) FROM sensor_events")).isEqualTo(expected.size());
        assertThat(ids("sensor_events")).isEqualTo(expected);

        // each document is the original record, the fields the contract does not name (at any
        // level) included
        Map<String, JsonNode> originals = originals(produced);
        List<Map<String, Object>> rows =
                POSTGRES.query(
                        "SELECT id, doc::text AS doc, event_time, source, run_id FROM sensor_events");
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM sensor_events WHERE doc->'location' ? 'floor'"
                                        + " AND doc->'firmware'->>'version' = '2.1.0'"))
                .as("documents with new nested fields")
                .isPositive();
        for (Map<String, Object> row : rows) {
            JsonNode doc = JSON.readTree((String) row.get("doc"));
            JsonNode original = originals.get((String) row.get("id"));
            assertThat(comparable(doc))
                    .as("doc of %s", row.get("id"))
                    .isEqualTo(comparable(asReceived(original)));
            assertThat(((java.sql.Timestamp) row.get("event_time")).toInstant())
                    .isEqualTo(Instant.parse(original.get("timestamp").asText()));
            assertThat(row.get("source")).isEqualTo("kafka://" + KAFKA.bootstrap() + "/landing");
            assertThat(row.get("run_id")).isEqualTo(first.run().runId());
        }
        // the GIN index serves queries on nested fields
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM pg_indexes WHERE tablename = 'sensor_events'"
                                        + " AND indexdef LIKE '%USING gin (doc)%'"))
                .isEqualTo(1);
        assertThat(
                        POSTGRES.count(
                                "SELECT count(DISTINCT doc->'location'->>'room') FROM sensor_events"))
                .isPositive();

        // a replay of the whole topic from scratch, as a new consumer group: nothing added, first
        // copies kept
        StreamRun.Summary replay =
                new StreamRun(
                                load(
                                        streamSpec(
                                                dir,
                                                "landing",
                                                "g2",
                                                POSTGRES.url(),
                                                "sensor_events")),
                                TestPipelines.streaming(dir),
                                true,
                                Duration.ofSeconds(5),
                                true)
                        .run();
        assertThat(replay.counts().consumed()).isEqualTo(produced.size() + 1);
        assertThat(replay.counts().withUnknownFields())
                .as("records with new fields, counted")
                .isEqualTo(produced.stream().filter(line -> line.contains("firmware")).count());
        assertThat(replay.counts().topUnknownPaths(10).keySet())
                .containsExactlyInAnyOrder("battery", "firmware", "location.floor", "location.gps");
        assertThat(POSTGRES.count("SELECT count(*) FROM sensor_events")).isEqualTo(expected.size());
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM sensor_events WHERE run_id <> '"
                                        + first.run().runId()
                                        + "'"))
                .isZero();
        System.out.printf(
                "postgres staging: %d events, %d documents, first run %d ms%n",
                produced.size(), expected.size(), took.toMillis());
    }

    @Test
    void droppingLandsTheContractsFieldsOnlyAndRejectingSendsRecordsWithNewFieldsToTheDlq(
            @TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(13)
                        .withEvents(600)
                        .withDays(1)
                        .withDuplicates(0)
                        .withInvalid(0);
        KAFKA.createTopic("modes", 2);
        List<String> produced = withNewFields(generate(settings));
        KAFKA.produce("modes", records(produced));
        Map<String, JsonNode> originals = originals(produced);
        Set<String> withNew = new HashSet<>();
        originals.forEach(
                (id, record) -> {
                    if (record.has("firmware")) {
                        withNew.add(id);
                    }
                });
        assertThat(withNew).isNotEmpty().hasSizeLessThan(originals.size());

        StreamRun.Summary dropping = runWith(dir.resolve("drop"), "drop", "dropped_events");
        assertThat(ids("dropped_events")).isEqualTo(originals.keySet());
        assertThat(dropping.counts().withUnknownFields()).isZero();
        for (Map<String, Object> row :
                POSTGRES.query("SELECT id, doc::text AS doc FROM dropped_events")) {
            assertThat(comparable(JSON.readTree((String) row.get("doc"))))
                    .as("doc of %s: the contract's fields only", row.get("id"))
                    .isEqualTo(comparable(contractFields(originals.get((String) row.get("id")))));
        }

        StreamRun.Summary rejecting = runWith(dir.resolve("reject"), "reject", "strict_events");
        Set<String> withoutNew = new HashSet<>(originals.keySet());
        withoutNew.removeAll(withNew);
        assertThat(ids("strict_events")).isEqualTo(withoutNew);
        assertThat(rejecting.counts().ruleCounts("input"))
                .containsEntry("unknown", (long) withNew.size());
        List<String> reasons = new ArrayList<>();
        Set<String> rejectedIds = new HashSet<>();
        for (String line : KAFKA.readCommitted("modes-dlq")) {
            JsonNode dead = JSON.readTree(line);
            if (dead.path("rule").asText().equals("unknown")) {
                reasons.add(dead.get("reason").asText());
                rejectedIds.add(JSON.readTree(dead.get("record").asText()).get("id").asText());
            }
        }
        assertThat(rejectedIds).isEqualTo(withNew);
        // the first field the contract does not name: inside location, or else at the top
        assertThat(reasons)
                .isSubsetOf("unknown field location.floor", "unknown field firmware")
                .contains("unknown field location.floor");
    }

    /**
     * A bounded streaming run of topic {@code modes} whose contract has {@code unknown_fields:
     * mode}, landing in {@code table}.
     */
    private static StreamRun.Summary runWith(Path dir, String mode, String table)
            throws IOException {
        Path contract =
                TestPipelines.write(
                        dir.resolve("sensor_events.yaml"),
                        Files.readString(TestPipelines.CONF.resolve("contracts/sensor_events.yaml"))
                                .replace(
                                        "retention_days: 30\n",
                                        "retention_days: 30\nunknown_fields: " + mode + "\n"));
        Path spec = streamSpec(dir, "modes", "g-" + mode, POSTGRES.url(), table);
        TestPipelines.write(
                spec,
                Files.readString(spec)
                        .replace(
                                TestPipelines.CONF
                                        .resolve("contracts/sensor_events.yaml")
                                        .toString(),
                                contract.toString()));
        return new StreamRun(load(spec), TestPipelines.streaming(dir), true, Duration.ofSeconds(5))
                .run();
    }

    @Test
    void aBatchRunOverTheLandingOfADateKeepsTheNewFieldsAndItsRerunAddsNoDocument(@TempDir Path dir)
            throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(11)
                        .withEvents(3_000)
                        .withDays(2)
                        .withDuplicates(0.05)
                        .withInvalid(0.03);
        KAFKA.createTopic("landed", 2);
        List<String> produced = withNewFields(generate(settings));
        KAFKA.produce("landed", records(produced));
        Path jsonl = dir.resolve("produced.jsonl");
        Files.writeString(jsonl, String.join("\n", produced));
        StreamRun.Summary stream =
                new StreamRun(
                                load(
                                        TestPipelines.sensorHourlyStream(
                                                dir, KAFKA.bootstrap(), "landed")),
                                TestPipelines.streaming(dir),
                                true,
                                Duration.ofSeconds(5))
                        .run();
        assertThat(stream.counts().withUnknownFields()).isPositive();
        Path landing = dir.resolve("stream").resolve("landing");
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + parquet(landing)
                                        + " WHERE _unknown LIKE '%\"firmware\"%'"))
                .as("the landing keeps the new fields in _unknown")
                .isPositive();

        String date = JSON.readTree(produced.get(0)).get("timestamp").asText().substring(0, 10);
        Path file = TestPipelines.sensorHourly(dir.resolve("spec"), landing, dir.resolve("out"));
        String text =
                Files.readString(file)
                        .replace(
                                "source: {type: parquet, path: " + landing + "}",
                                "source: {type: parquet, path: "
                                        + landing
                                        + ", date_partition: date}")
                        .replace(
                                "staging: {path: "
                                        + dir.resolve("out").resolve("staging")
                                        + ", partition_by: [date]}",
                                "staging: " + postgres(POSTGRES.url(), "landed_events"));
        assertThat(text).contains("date_partition: date").contains("staging: {type: postgres");
        PipelineSpec spec = load(TestPipelines.write(file, text));

        BatchRun.Summary first =
                new BatchRun(spec, TestPipelines.runtime(dir), java.time.LocalDate.parse(date))
                        .run();
        Set<String> expected = new HashSet<>();
        duck.query(
                        "SELECT DISTINCT id FROM read_json('"
                                + jsonl
                                + "', format = 'newline_delimited') WHERE "
                                + VALID
                                + " AND CAST(\"timestamp\" AS DATE) = DATE '"
                                + date
                                + "'")
                .forEach(row -> expected.add((String) row.get("id")));
        assertThat(expected).hasSizeGreaterThan(500);
        assertThat(ids("landed_events")).isEqualTo(expected);
        assertThat(first.counts().withUnknownFields()).isPositive();
        Map<String, JsonNode> originals = originals(produced);
        for (Map<String, Object> row :
                POSTGRES.query("SELECT id, doc::text AS doc FROM landed_events")) {
            assertThat(comparable(JSON.readTree((String) row.get("doc"))))
                    .as("doc of %s, through the landing", row.get("id"))
                    .isEqualTo(comparable(asReceived(originals.get((String) row.get("id")))));
        }

        BatchRun.Summary rerun =
                new BatchRun(spec, TestPipelines.runtime(dir), java.time.LocalDate.parse(date))
                        .run();
        assertThat(rerun.counts().consumed()).isEqualTo(first.counts().consumed());
        assertThat(POSTGRES.count("SELECT count(*) FROM landed_events")).isEqualTo(expected.size());
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM landed_events WHERE run_id <> '"
                                        + first.run().runId()
                                        + "'"))
                .isZero();
    }

    @Test
    void aBatchRunOverParquetAndItsRerunAddNoDocument(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(9)
                        .withEvents(4_000)
                        .withDays(2)
                        .withDuplicates(0.05)
                        .withInvalid(0.03);
        Path input = dir.resolve("input");
        SampleData.writeParquet(input, settings, "snappy");
        Path file = TestPipelines.sensorHourly(dir.resolve("spec"), input, dir.resolve("out"));
        String text = Files.readString(file);
        text =
                text.replace(
                                "staging: {path: "
                                        + dir.resolve("out").resolve("staging")
                                        + ", partition_by: [date]}",
                                "staging: " + postgres(POSTGRES.url(), "batch_events"))
                        .replace(
                                "quarantine: " + dir.resolve("out").resolve("quarantine"),
                                "quarantine: " + postgres(POSTGRES.url(), "batch_rejected"));
        assertThat(text)
                .contains("staging: {type: postgres")
                .contains("quarantine: {type: postgres");
        PipelineSpec spec = load(TestPipelines.write(file, text));

        BatchRun.Summary first = new BatchRun(spec, TestPipelines.runtime(dir), null).run();
        long expected =
                duck.count("SELECT count(DISTINCT id) FROM " + parquet(input) + " WHERE " + VALID);
        assertThat(POSTGRES.count("SELECT count(*) FROM batch_events")).isEqualTo(expected);
        assertThat(POSTGRES.count("SELECT count(*) FROM batch_rejected"))
                .isEqualTo(first.counts().rejectedOnInput())
                .isPositive();
        assertThat(
                        POSTGRES.query(
                                        "SELECT doc->>'reason' AS reason FROM batch_rejected LIMIT 1")
                                .get(0)
                                .get("reason"))
                .asString()
                .isNotBlank();

        BatchRun.Summary rerun = new BatchRun(spec, TestPipelines.runtime(dir), null).run();
        assertThat(POSTGRES.count("SELECT count(*) FROM batch_events")).isEqualTo(expected);
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM batch_events WHERE run_id = '"
                                        + rerun.run().runId()
                                        + "'"))
                .isZero();
        // rejections are documents of the run that rejected them: the rerun's are its own
        assertThat(
                        POSTGRES.count(
                                "SELECT count(*) FROM batch_rejected WHERE run_id = '"
                                        + rerun.run().runId()
                                        + "'"))
                .isEqualTo(rerun.counts().rejectedOnInput());
    }

    @Test
    void aServerThatCannotBeUsedStopsTheRunInOneLineNamingTheKeyWithoutThePassword(
            @TempDir Path dir) throws Exception {
        KAFKA.createTopic("refused", 1);
        POSTGRES.execute(
                "CREATE TABLE IF NOT EXISTS other_shape (id INTEGER PRIMARY KEY, doc TEXT)");
        String unreachable =
                "jdbc:postgresql://" + KafkaBroker.addressNobodyAnswers() + "/" + Postgres.DATABASE;

        String wrongPassword =
                refusal(
                        dir.resolve("password"),
                        POSTGRES.url(),
                        "t1",
                        Map.of("PG_PASSWORD", "not-the-pg-password"));
        assertThat(wrongPassword)
                .contains(
                        "staging",
                        "127.0.0.1:" + POSTGRES.port(),
                        "refused user 'postgres'",
                        "staging.password")
                .doesNotContain("not-the-pg-password");

        String noServer = refusal(dir.resolve("unreachable"), unreachable, "t1", env());
        assertThat(noServer)
                .contains(
                        "staging",
                        "no answer from PostgreSQL at "
                                + KafkaBroker.addressNobodyAnswers().split(":")[0],
                        "scripts/postgres-local start",
                        "staging.url");

        String shape = refusal(dir.resolve("shape"), POSTGRES.url(), "other_shape", env());
        assertThat(shape)
                .contains(
                        "staging.table",
                        "table public.other_shape",
                        "column id is integer, not text",
                        "column doc is text, not jsonb",
                        "no column event_time");
    }

    /**
     * Runs the streaming spec against {@code url}: it must fail in one line within 30 s, without
     * the password.
     */
    private String refusal(Path dir, String url, String table, Map<String, String> env)
            throws IOException {
        Path file = streamSpec(dir, "refused", "g-refused", url, table);
        long start = System.nanoTime();
        Throwable thrown =
                catchThrowable(
                        () ->
                                new StreamRun(
                                                SpecLoader.load(file, env::get),
                                                TestPipelines.streaming(dir),
                                                true,
                                                Duration.ofSeconds(5))
                                        .run());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).isInstanceOf(FlowbundleException.class);
        String message = Failures.describe(thrown);
        assertThat(message)
                .startsWith(file.toString())
                .doesNotContain("\n")
                .doesNotContain(POSTGRES.password());
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        return message;
    }

    private static PipelineSpec load(Path file) {
        return SpecLoader.load(file, env()::get);
    }

    private static Set<String> ids(String table) {
        Set<String> ids = new HashSet<>();
        POSTGRES.query("SELECT id FROM " + table).forEach(row -> ids.add((String) row.get("id")));
        return ids;
    }

    private static List<String> generate(SensorEventGenerator.Settings settings) {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        List<String> lines = new ArrayList<>();
        while (generator.hasNext()) {
            lines.add(new String(generator.next().json(), StandardCharsets.UTF_8));
        }
        return lines;
    }

    /**
     * Every third record as a device with new firmware sends it: fields the contract does not name,
     * at the top (an object with an array, a number) and inside {@code location}.
     */
    private static List<String> withNewFields(List<String> lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (i % 3 != 0) {
                out.add(lines.get(i));
                continue;
            }
            JsonNode parsed = parsed(lines.get(i));
            if (!(parsed instanceof ObjectNode record)) {
                out.add(lines.get(i));
                continue;
            }
            ObjectNode firmware = record.putObject("firmware");
            firmware.put("version", "2.1.0");
            firmware.putArray("channels").add(1).add(2);
            record.put("battery", 0.875);
            if (record.get("location") instanceof ObjectNode location) {
                location.put("floor", i % 7);
                location.putObject("gps").put("lat", 52.52).put("lon", 13.405);
            }
            out.add(JSON.writeValueAsString(record));
        }
        return out;
    }

    private static JsonNode parsed(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The records keyed by device, as a device sends them. */
    private static List<Map.Entry<String, byte[]>> records(List<String> lines) throws IOException {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (String line : lines) {
            records.add(
                    Map.entry(
                            parsed(line) == null
                                    ? "none"
                                    : parsed(line).path("device_id").asText("none"),
                            line.getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    /** The first copy of each id, as sent. */
    private static Map<String, JsonNode> originals(List<String> lines) throws IOException {
        Map<String, JsonNode> originals = new HashMap<>();
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            originals.putIfAbsent(node.get("id").asText(), node);
        }
        return originals;
    }

    /** The contract's columns of a record as sent: a column it leaves out is null. */
    private static JsonNode contractFields(JsonNode original) {
        ObjectNode fields = JSON.createObjectNode();
        for (String column : CONTRACT_COLUMNS) {
            fields.set(
                    column,
                    original.has(column) ? original.get(column).deepCopy() : JSON.nullNode());
        }
        if (fields.get("location") instanceof ObjectNode location) {
            location.retain("room", "building");
        }
        return asReceived(fields);
    }

    /** A streaming run's settings that restart a failed job from its last checkpoint. */
    private static RuntimeConfig restarting(Path dir) {
        RuntimeConfig base = TestPipelines.streaming(dir);
        Map<String, String> flink = new HashMap<>(base.flink());
        flink.put("restart-strategy.type", "fixed-delay");
        flink.put("restart-strategy.fixed-delay.attempts", "3");
        flink.put("restart-strategy.fixed-delay.delay", "200 ms");
        return new RuntimeConfig(base.auditLog(), base.actor(), Map.copyOf(flink), null, null);
    }

    /**
     * A record as the document store should hold it: as sent, with the contract's columns it leaves
     * out as null (the decoder cannot tell an absent field from a null one).
     */
    private static JsonNode asReceived(JsonNode original) {
        ObjectNode expected = original.deepCopy();
        for (String column : CONTRACT_COLUMNS) {
            if (!expected.has(column)) {
                expected.putNull(column);
            }
        }
        if (expected.get("location") instanceof ObjectNode location) {
            for (String field : List.of("room", "building")) {
                if (!location.has(field)) {
                    location.putNull(field);
                }
            }
        }
        return expected;
    }

    /**
     * JSON as plain values, numbers as doubles and timestamps as instants: equal up to key order
     * and formatting.
     */
    private static Object comparable(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new HashMap<>();
            node.fields()
                    .forEachRemaining(
                            field -> map.put(field.getKey(), comparable(field.getValue())));
            return map;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException notATimestamp) {
                return node.asText();
            }
        }
        return node.asText();
    }
}
