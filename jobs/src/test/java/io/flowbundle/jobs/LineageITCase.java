package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.FlowbundleException;
import io.flowbundle.cli.Main;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.lineage.OpenLineageSchemas;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.ParquetFiles;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage events real runs write to the default lineage file: valid against the official
 * OpenLineage schemas, START then COMPLETE or FAIL for one run id, and carrying what an independent
 * oracle (DuckDB over the same files, the Kafka topics) finds: rows read and written, the contract
 * rules the generated invalid rows break, a replaced partition. Then `lineage trace` walks the
 * chain raw events -> sensor-hourly -> sensor-daily back from the log.
 */
class LineageITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    private static final LocalDate DAY_ONE = LocalDate.of(2026, 11, 1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SensorEventGenerator.Settings SETTINGS =
            SensorEventGenerator.Settings.defaults()
                    .withSeed(5)
                    .withEvents(12_000)
                    .withDays(2)
                    .withDuplicates(0.03)
                    .withInvalid(0.02);

    @TempDir static Path shared;
    private static Path input;
    private static DuckDb duck;

    @BeforeAll
    static void generateInput() {
        input = shared.resolve("sensor-events");
        SampleData.writeParquet(input, SETTINGS, "snappy");
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void datedBatchRunsReportWhatTheyReadWroteAndReplaced(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        RuntimeConfig runtime = TestPipelines.runtime(dir);
        BatchRun.Summary first = batch(dir, input, out, DAY_ONE);
        BatchRun.Summary rerun = batch(dir, input, out, DAY_ONE);

        List<JsonNode> events = events(runtime);
        assertValid(events);
        assertThat(events)
                .extracting(e -> e.at("/run/runId").asText() + " " + e.get("eventType").asText())
                .containsExactly(
                        first.run().runId() + " START", first.run().runId() + " COMPLETE",
                        rerun.run().runId() + " START", rerun.run().runId() + " COMPLETE");
        JsonNode complete = events.get(1);
        assertThat(complete.at("/run/facets/nominalTime/nominalStartTime").asText())
                .isEqualTo("2026-11-01T00:00:00Z");
        assertThat(complete.at("/run/facets/nominalTime/nominalEndTime").asText())
                .isEqualTo("2026-11-02T00:00:00Z");
        assertThat(complete.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");

        // input: the files of the date, as DuckDB and the file system see them
        Path dayOne = input.resolve("date=2026-11-01");
        JsonNode read = dataset(complete, "inputs", Datasets.file(input));
        long rows = duck.count("SELECT count(*) FROM read_parquet('" + dayOne + "/*.parquet')");
        assertThat(read.at("/inputFacets/inputStatistics/rowCount").asLong())
                .isEqualTo(rows)
                .isEqualTo(first.counts().consumed());
        assertThat(read.at("/inputFacets/inputStatistics/fileCount").asLong())
                .isEqualTo(files(dayOne).size());
        assertThat(read.at("/inputFacets/inputStatistics/size").asLong())
                .isEqualTo(files(dayOne).stream().mapToLong(LineageITCase::size).sum());
        assertThat(failedAssertions(read))
                .isEqualTo(brokenRules("read_parquet('" + dayOne + "/*.parquet')"));

        // outputs: the curated hourly data, with its column lineage, and the staging layer
        JsonNode curated =
                dataset(complete, "outputs", Datasets.file(out.resolve("sensor-hourly")));
        assertThat(curated.at("/outputFacets/outputStatistics/rowCount").asLong())
                .isEqualTo(first.counts().loaded())
                .isEqualTo(
                        duck.count(
                                "SELECT count(*) FROM " + parquet(out.resolve("sensor-hourly"))));
        BatchRun.Committed committed =
                first.outputs().stream()
                        .filter(c -> c.role().equals("output"))
                        .findFirst()
                        .orElseThrow();
        assertThat(curated.at("/outputFacets/outputStatistics/fileCount").asLong())
                .isEqualTo(committed.result().files());
        assertThat(curated.at("/outputFacets/outputStatistics/size").asLong())
                .isEqualTo(committed.result().bytes());
        assertThat(columnLineage(curated, "device_id"))
                .containsExactly(Datasets.file(input) + " device_id DIRECT IDENTITY");
        assertThat(columnLineage(curated, "avg_temp"))
                .containsExactly(Datasets.file(input) + " temperature_c DIRECT AGGREGATION");
        JsonNode staging = dataset(complete, "outputs", Datasets.file(out.resolve("staging")));
        assertThat(staging.at("/outputFacets/outputStatistics/rowCount").asLong())
                .isEqualTo(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging"))));

        // the rerun of the date replaced the partition the first run wrote
        assertThat(curated.at("/facets/lifecycleStateChange").isMissingNode()).isTrue();
        JsonNode rerunCurated =
                dataset(events.get(3), "outputs", Datasets.file(out.resolve("sensor-hourly")));
        assertThat(rerunCurated.at("/facets/lifecycleStateChange/lifecycleStateChange").asText())
                .isEqualTo("OVERWRITE");
    }

    @Test
    void aRunThatFailsOnItsInputReportsStartThenFailWithTheError(@TempDir Path dir) {
        Path source = dir.resolve("bad-source");
        Path file = source.resolve("date=2026-11-01/no-device.parquet");
        writeWithoutDeviceId(file);

        assertThatThrownBy(() -> batch(dir, source, dir.resolve("out"), DAY_ONE))
                .isInstanceOf(FlowbundleException.class);

        List<JsonNode> events = events(TestPipelines.runtime(dir));
        assertValid(events);
        assertThat(events)
                .extracting(e -> e.get("eventType").asText())
                .containsExactly("START", "FAIL");
        assertThat(events)
                .extracting(e -> e.at("/run/runId").asText())
                .doesNotContainNull()
                .containsOnly(events.get(0).at("/run/runId").asText());
        JsonNode error = events.get(1).at("/run/facets/errorMessage");
        assertThat(error.get("message").asText())
                .contains(file.toString())
                .contains("'device_id' is missing");
        assertThat(error.get("stackTrace").asText()).contains(FlowbundleException.class.getName());
    }

    @Test
    void aBoundedStreamingRunReportsItsTopicsAndCounts(@TempDir Path dir) throws Exception {
        Path parquetInput = dir.resolve("same-events");
        SampleData.writeParquet(parquetInput, SETTINGS, "snappy");
        KAFKA.createTopic("lineage", 2);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        SensorEventGenerator generator = new SensorEventGenerator(SETTINGS);
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            records.add(Map.entry(event.deviceId(), event.json()));
        }
        KAFKA.produce("lineage", records);

        RuntimeConfig runtime = TestPipelines.streaming(dir);
        StreamRun.Summary stream =
                new StreamRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourlyStream(
                                                dir, KAFKA.bootstrap(), "lineage")),
                                runtime,
                                true,
                                Duration.ofSeconds(5))
                        .run();

        List<JsonNode> events = events(runtime);
        assertValid(events);
        assertThat(events)
                .extracting(e -> e.at("/run/runId").asText())
                .containsOnly(stream.run().runId());
        assertThat(events.get(0).get("eventType").asText()).isEqualTo("START");
        assertThat(events.get(events.size() - 1).get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(events.subList(1, events.size() - 1))
                .allSatisfy(e -> assertThat(e.get("eventType").asText()).isEqualTo("RUNNING"));
        JsonNode complete = events.get(events.size() - 1);
        assertThat(complete.at("/job/facets/jobType/processingType").asText())
                .isEqualTo("STREAMING");
        assertThat(complete.at("/run/facets/nominalTime").isMissingNode())
                .as("a stream run has no logical date")
                .isTrue();

        JsonNode topic = dataset(complete, "inputs", Datasets.kafka(KAFKA.bootstrap(), "lineage"));
        assertThat(topic.at("/inputFacets/inputStatistics/rowCount").asLong())
                .isEqualTo(records.size())
                .isEqualTo(stream.counts().consumed());
        assertThat(failedAssertions(topic)).isEqualTo(brokenRules(parquet(parquetInput)));
        JsonNode results =
                dataset(complete, "outputs", Datasets.kafka(KAFKA.bootstrap(), "lineage-out"));
        assertThat(results.at("/outputFacets/outputStatistics/rowCount").asLong())
                .isEqualTo(stream.counts().loaded())
                .isEqualTo(KAFKA.readCommitted("lineage-out").size());
        assertThat(columnLineage(results, "device_id"))
                .containsExactly(
                        Datasets.kafka(KAFKA.bootstrap(), "lineage")
                                + " device_id DIRECT IDENTITY");
        assertThat(
                        dataset(
                                        complete,
                                        "outputs",
                                        Datasets.kafka(KAFKA.bootstrap(), "lineage-dlq"))
                                .at("/outputFacets/outputStatistics/rowCount")
                                .asLong())
                .isEqualTo(KAFKA.readCommitted("lineage-dlq").size());
        dataset(complete, "outputs", Datasets.file(dir.resolve("stream/landing")));
    }

    @Test
    void traceWalksFromTheDailyOutputBackToTheRawEvents(@TempDir Path dir) {
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: audit/audit.jsonl}\nflink: {parallelism.default: 2}\n");
        RuntimeConfig runtime = RuntimeConfig.load(config);
        Path out = dir.resolve("out");
        BatchRun.Summary hourly =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourly(
                                                dir.resolve("spec"), input, out)),
                                runtime,
                                null)
                        .run();
        BatchRun.Summary daily =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorDaily(
                                                dir.resolve("spec"),
                                                out.resolve("sensor-hourly"),
                                                out)),
                                runtime,
                                DAY_ONE)
                        .run();
        assertValid(events(runtime));

        StringWriter printed = new StringWriter();
        StringWriter errors = new StringWriter();
        int exit =
                Main.execute(
                        new PrintWriter(printed, true),
                        new PrintWriter(errors, true),
                        "lineage",
                        "trace",
                        out.resolve("sensor-daily").toString(),
                        "--config",
                        config.toString());

        assertThat(exit).as(errors.toString()).isZero();
        List<String> lines = printed.toString().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("file:" + out.resolve("sensor-daily"));
        assertThat(lines.get(1))
                .startsWith(
                        "   <- job flowbundle/sensor-daily (run "
                                + daily.run().runId()
                                + ", completed ");
        assertThat(lines.get(2)).isEqualTo("      <- file:" + out.resolve("sensor-hourly"));
        assertThat(lines.get(3))
                .startsWith(
                        "         <- job flowbundle/sensor-hourly (run "
                                + hourly.run().runId()
                                + ", completed ");
        assertThat(lines.get(4))
                .isEqualTo("            <- file:" + input + "  [raw source: no run wrote it]");
    }

    private static BatchRun.Summary batch(Path dir, Path source, Path out, LocalDate date) {
        return new BatchRun(
                        SpecLoader.load(
                                TestPipelines.sensorHourly(dir.resolve("spec"), source, out)),
                        TestPipelines.runtime(dir),
                        date)
                .run();
    }

    /** Every event in the run's default lineage file, in order. */
    private static List<JsonNode> events(RuntimeConfig runtime) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line :
                    Files.readAllLines(Locations.toLocal(LineageSink.defaultFile(runtime)))) {
                out.add(JSON.readTree(line));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertValid(List<JsonNode> events) {
        assertThat(events)
                .isNotEmpty()
                .allSatisfy(
                        e ->
                                assertThat(OpenLineageSchemas.validate(e))
                                        .as(e.get("eventType").asText())
                                        .isEmpty());
    }

    private static JsonNode dataset(JsonNode event, String list, Datasets.Id id) {
        for (JsonNode dataset : event.get(list)) {
            if (dataset.get("namespace").asText().equals(id.namespace())
                    && dataset.get("name").asText().equals(id.name())) {
                return dataset;
            }
        }
        throw new AssertionError(id + " is not among the " + list + " of " + event);
    }

    /** "rule: actual" of every assertion that failed. */
    private static Map<String, String> failedAssertions(JsonNode input) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode assertion : input.at("/inputFacets/dataQualityAssertions/assertions")) {
            if (!assertion.get("success").asBoolean()) {
                out.put(assertion.get("name").asText(), assertion.get("actual").asText());
            }
        }
        return out;
    }

    /**
     * The sensor_events contract's rules as DuckDB finds them broken in {@code table}, in the
     * facet's words ("n of total records"), rules no row breaks left out.
     */
    private static Map<String, String> brokenRules(String table) {
        Map<String, Object> counts =
                duck.query(
                                "SELECT count(*) AS total,"
                                        + " count(*) FILTER (WHERE id IS NULL) AS \"required:id\","
                                        + " count(*) FILTER (WHERE type IS NULL) AS \"required:type\","
                                        + " count(*) FILTER (WHERE type NOT IN ('reading', 'heartbeat')) AS \"allowed:type\","
                                        + " count(*) FILTER (WHERE \"timestamp\" IS NULL) AS \"required:timestamp\","
                                        + " count(*) FILTER (WHERE device_id IS NULL) AS \"required:device_id\","
                                        + " count(*) FILTER (WHERE temperature_c NOT BETWEEN -50 AND 100) AS \"range:temperature_c\","
                                        + " count(*) FILTER (WHERE humidity_percent NOT BETWEEN 0 AND 100) AS \"range:humidity_percent\""
                                        + " FROM "
                                        + table)
                        .get(0);
        long total = ((Number) counts.remove("total")).longValue();
        Map<String, String> out = new TreeMap<>();
        counts.forEach(
                (rule, n) -> {
                    if (((Number) n).longValue() > 0) {
                        out.put(rule, n + " of " + total + " records");
                    }
                });
        assertThat(out).as("the generated data breaks some rules").isNotEmpty();
        return out;
    }

    /** "namespace:name field type subtype" of each input field of an output column. */
    private static List<String> columnLineage(JsonNode dataset, String column) {
        List<String> out = new ArrayList<>();
        for (JsonNode field :
                dataset.at("/facets/columnLineage/fields/" + column + "/inputFields")) {
            for (JsonNode transformation : field.get("transformations")) {
                out.add(
                        field.get("namespace").asText()
                                + ":"
                                + field.get("name").asText()
                                + " "
                                + field.get("field").asText()
                                + " "
                                + transformation.get("type").asText()
                                + " "
                                + transformation.get("subtype").asText());
            }
        }
        return out;
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reading without the required device_id column. */
    private static void writeWithoutDeviceId(Path file) {
        VarCharType string = new VarCharType(true, VarCharType.MAX_LENGTH);
        RowType type =
                RowType.of(
                        new LogicalType[] {string, string, new TimestampType(true, 6)},
                        new String[] {"id", "type", "timestamp"});
        ParquetFiles.write(
                file,
                type,
                List.of(
                        GenericRowData.of(
                                StringData.fromString("evt-1"),
                                StringData.fromString("reading"),
                                TimestampData.fromEpochMillis(1_793_491_200_000L))));
    }
}
