package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DeviceOracle;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A pipeline with two inputs (conf/pipelines/sensor-hourly-by-building.yaml: sensor events joined
 * with the device registry) as a batch job on a MiniCluster over real Parquet, checked against
 * DuckDB, which applies both contracts, dedupes, windows and joins on its own. Two registry rows
 * break the devices contract: they go to the quarantine as that input's rejections, and the run
 * still reconciles, per input.
 */
class JoinPipelineITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 20;
    private static final Path EXAMPLE_SQL =
            TestPipelines.CONF.resolve("sql/sensor-hourly-by-building.sql");

    @TempDir static Path shared;
    private static Path events;
    private static Path devices;
    private static SampleData.Counts generated;
    private static DuckDb duck;

    @BeforeAll
    static void generateInput() throws IOException {
        events = shared.resolve("sensor-events");
        generated =
                SampleData.writeParquet(
                        events,
                        SensorEventGenerator.Settings.defaults()
                                .withEvents(20_000)
                                .withDays(2)
                                .withDevices(DEVICES)
                                .withDuplicates(0.03)
                                .withInvalid(0.02),
                        "snappy");
        devices = shared.resolve("devices");
        DeviceOracle.writeRegistry(devices, DEVICES);
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void theJoinMatchesDuckDbAndEachInputIsGovernedAndCountedOnItsOwn(@TempDir Path dir) {
        Path out = dir.resolve("out");
        BatchRun.Summary summary = run(dir, spec(dir, out, EXAMPLE_SQL));

        // the join's results are DuckDB's: both contracts, dedupe, hourly windows, inner join
        String expected = DeviceOracle.expected(events + "/**/*.parquet", devices);
        DeviceOracle.assertSameResults(
                duck, DeviceOracle.results(out.resolve("hourly-by-building")), expected);
        // device-018 and device-019 were rejected from the registry, so theirs do not join
        assertThat(duck.count("SELECT count(*) FROM (" + expected + ")"))
                .isLessThan(
                        duck.count(
                                "SELECT count(*) FROM ("
                                        + SensorOracle.expected(events + "/**/*.parquet")
                                        + ")"));

        // the events are counted as in a single-input run, the registry on its own
        RunCounts counts = summary.counts();
        assertThat(counts.consumed()).isEqualTo(generated.total());
        assertThat(counts.rejectedOnInput()).isEqualTo(generated.of(Kind.INVALID));
        assertThat(counts.duplicates()).isEqualTo(generated.of(Kind.DUPLICATE));
        assertThat(counts.otherInputs()).containsExactly("devices");
        RunCounts registry = counts.ofInput("devices");
        assertThat(registry.consumed()).isEqualTo(DEVICES);
        assertThat(registry.rejectedOnInput()).isEqualTo(2);
        assertThat(registry.ruleCounts("input"))
                .isEqualTo(Map.of("range:floor_number", 1L, "required:building", 1L));
        assertThat(registry.transformInput()).isEqualTo(DEVICES - 2);
        assertThat(counts.reconciles()).isTrue();
        assertThat(counts.loaded())
                .isEqualTo(duck.count("SELECT count(*) FROM (" + expected + ")"));

        // one quarantine, each rejected record with its input as source and its own rule
        List<Map<String, Object>> rejected =
                duck.query(
                        "SELECT source, rule || ':' || \"column\" AS rule, count(*) AS n FROM "
                                + parquet(out.resolve("quarantine"))
                                + " GROUP BY ALL ORDER BY source, rule");
        assertThat(rejected)
                .filteredOn(r -> r.get("source").equals(devices.toString()))
                .extracting(r -> r.get("rule") + " " + r.get("n"))
                .containsExactly("range:floor_number 1", "required:building 1");
        assertThat(
                        rejected.stream()
                                .filter(r -> r.get("source").equals(events.toString()))
                                .mapToLong(r -> ((Number) r.get("n")).longValue())
                                .sum())
                .isEqualTo(generated.of(Kind.INVALID));

        // the audit reconciles per input: an extract and a validate step for each
        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit).allMatch(AuditRecord::reconciles);
        assertThat(audit)
                .filteredOn(r -> r.sources().equals(List.of(devices.toString())))
                .extracting(r -> r.step() + " " + r.rowsIn() + " " + r.rowsOut())
                .containsExactly(
                        "extract " + DEVICES + " " + DEVICES,
                        "validate " + DEVICES + " " + (DEVICES - 2),
                        "dedupe " + (DEVICES - 2) + " " + (DEVICES - 2));
        AuditRecord run = audit.get(audit.size() - 1);
        assertThat(run.step()).isEqualTo("run");
        assertThat(run.sources()).containsExactly(events.toString(), devices.toString());
        assertThat(run.rowsIn()).isEqualTo(generated.total() + DEVICES);
        assertThat(run.status()).isEqualTo(AuditRecord.SUCCEEDED);
    }

    @Test
    void lineageListsEveryInputWithItsSchemaAndFollowsAJoinedColumnToTheOutput(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("out");
        run(dir, spec(dir, out, EXAMPLE_SQL));

        List<JsonNode> lineage = new ArrayList<>();
        for (String line :
                Files.readAllLines(
                        Locations.toLocal(LineageSink.defaultFile(TestPipelines.runtime(dir))))) {
            lineage.add(JSON.readTree(line));
        }
        JsonNode complete = lineage.get(lineage.size() - 1);
        assertThat(complete.get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(complete.get("inputs"))
                .extracting(input -> input.get("name").asText())
                .containsExactly(Datasets.file(events).name(), Datasets.file(devices).name());
        JsonNode registry = complete.get("inputs").get(1);
        assertThat(registry.at("/facets/schema/fields"))
                .extracting(field -> field.get("name").asText())
                .containsExactly("device_id", "building", "room", "floor_number", "model");
        assertThat(registry.at("/inputFacets/inputStatistics/rowCount").asLong())
                .isEqualTo(DEVICES);

        JsonNode output = complete.get("outputs").get(0);
        assertThat(columnLineage(output, "building"))
                .containsExactly(Datasets.file(devices) + " building DIRECT IDENTITY");
        assertThat(columnLineage(output, "avg_temp"))
                .containsExactly(Datasets.file(events) + " temperature_c DIRECT AGGREGATION");
        List<String> rowsDecidedBy = new ArrayList<>();
        for (JsonNode field : output.at("/facets/columnLineage/dataset")) {
            for (JsonNode transformation : field.get("transformations")) {
                rowsDecidedBy.add(
                        field.get("name").asText()
                                + " "
                                + field.get("field").asText()
                                + " "
                                + transformation.get("subtype").asText());
            }
        }
        assertThat(rowsDecidedBy)
                .contains(
                        Datasets.file(events).name() + " device_id JOIN",
                        Datasets.file(devices).name() + " device_id JOIN");
    }

    @Test
    void anInputWithItsOwnQuarantineAndStagingWritesThemAsDatasetsOfTheRun(@TempDir Path dir) {
        Path out = dir.resolve("out");
        Path spec =
                TestPipelines.write(
                        dir.resolve("spec/own.yaml"),
                        TestPipelines.read(spec(dir, out, EXAMPLE_SQL))
                                .replace(
                                        "    dedupe: {key: device_id}\n",
                                        "    dedupe: {key: device_id}\n"
                                                + "    quarantine: "
                                                + out.resolve("quarantine-devices")
                                                + "\n"
                                                + "    staging: {path: "
                                                + out.resolve("staging-devices")
                                                // a registry has no event date to partition by
                                                + ", partition_by: []}\n"));

        BatchRun.Summary summary = run(dir, spec);

        assertThat(summary.outputs())
                .extracting(BatchRun.Committed::role)
                .contains("output", "quarantine", "quarantine-devices", "staging-devices");
        assertThat(
                        duck.query(
                                "SELECT rule || ':' || \"column\" AS rule FROM "
                                        + parquet(out.resolve("quarantine-devices"))
                                        + " ORDER BY 1"))
                .extracting(r -> r.get("rule"))
                .containsExactly("range:floor_number", "required:building");
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + parquet(out.resolve("quarantine"))
                                        + " WHERE source = '"
                                        + devices
                                        + "'"))
                .isZero();
        assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging-devices"))))
                .isEqualTo(DEVICES - 2);
        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .filteredOn(
                        r ->
                                r.step().equals("validate")
                                        && r.sources().equals(List.of(devices.toString())))
                .singleElement()
                .satisfies(
                        validate ->
                                assertThat(validate.target())
                                        .isEqualTo(out.resolve("quarantine-devices").toString()));
        assertThat(summary.counts().reconciles()).isTrue();
    }

    @Test
    void anInputTheSqlDoesNotReadIsOneLineNamingIt(@TempDir Path dir) throws IOException {
        Path sql = dir.resolve("no-join.sql");
        Files.writeString(
                sql,
                Files.readString(TestPipelines.CONF.resolve("sql/sensor-hourly.sql"))
                        .replace("TABLE events", "TABLE readings"));
        Path spec =
                TestPipelines.write(
                        dir.resolve("spec/no-join.yaml"),
                        TestPipelines.read(spec(dir, dir.resolve("out"), sql))
                                .replace(
                                        "output_contract: "
                                                + TestPipelines.CONF.resolve(
                                                        "contracts/sensor_hourly_by_building.yaml"),
                                        "output_contract: "
                                                + TestPipelines.CONF.resolve(
                                                        "contracts/sensor_hourly.yaml")));

        assertThatThrownBy(() -> run(dir, spec))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageEndingWith(
                        "failed to start: "
                                + spec
                                + ": inputs.devices: the transform does not read the view"
                                + " `devices`; read it in the SQL or remove the input (views"
                                + " read: readings)");
    }

    private static BatchRun.Summary run(Path dir, Path spec) {
        RuntimeConfig runtime = TestPipelines.runtime(dir);
        return new BatchRun(SpecLoader.load(spec), runtime, null).run();
    }

    /** The example pipeline's inputs, SQL and contracts over the test's data. */
    private static Path spec(Path dir, Path out, Path sql) {
        String example =
                TestPipelines.read(
                        TestPipelines.CONF.resolve("pipelines/sensor-hourly-by-building.yaml"));
        return TestPipelines.write(
                dir.resolve("spec/sensor-hourly-by-building.yaml"),
                example.replace("../contracts/", TestPipelines.CONF.resolve("contracts") + "/")
                        .replace("../sql/sensor-hourly-by-building.sql", sql.toString())
                        .replace("../../data/sensor-events", events.toString())
                        .replace("../../data/devices", devices.toString())
                        .replace(
                                "../../out/sensor-hourly-by-building",
                                out.resolve("hourly-by-building").toString())
                        .replace(
                                "../../out/quarantine/sensor-hourly-by-building",
                                out.resolve("quarantine").toString()));
    }

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
}
