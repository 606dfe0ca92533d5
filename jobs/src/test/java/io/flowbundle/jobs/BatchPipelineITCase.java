package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.ToyConnector;
import io.flowbundle.parquet.ParquetFormats;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.local.LocalDataOutputStream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
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
 * The batch job end to end on a MiniCluster over real Parquet, checked against DuckDB, which reads
 * the same input and our output and recomputes the answer on its own.
 */
class BatchPipelineITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    private static final LocalDate DAY_ONE = LocalDate.of(2026, 11, 1);

    @TempDir static Path shared;
    private static Path input;
    private static SampleData.Counts generated;
    private static DuckDb duck;

    @BeforeAll
    static void generateInput() {
        input = shared.resolve("sensor-events");
        generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withEvents(30_000)
                                .withDays(2)
                                .withDuplicates(0.03)
                                .withInvalid(0.02),
                        "zstd");
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void hourlyResultsMatchDuckDbAndEveryRowIsAccountedFor(@TempDir Path dir) {
        Path out = dir.resolve("out");
        BatchRun.Summary summary = run(dir, out, null);

        assertMatchesOracle(input.toString() + "/**/*.parquet", out.resolve("sensor-hourly"));
        assertThat(summary.counts().consumed()).isEqualTo(generated.total());
        assertThat(summary.counts().rejectedOnInput()).isEqualTo(generated.of(Kind.INVALID));
        assertThat(summary.counts().duplicates()).isEqualTo(generated.of(Kind.DUPLICATE));
        assertThat(summary.counts().reconciles()).isTrue();
        assertThat(summary.counts().loaded())
                .isEqualTo(
                        duck.count(
                                "SELECT count(*) FROM " + parquet(out.resolve("sensor-hourly"))));

        // staging holds every valid row as it arrived (duplicates included), by event date
        assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging"))))
                .isEqualTo(generated.total() - generated.of(Kind.INVALID));
        assertThat(
                        duck.query(
                                "SELECT DISTINCT date::VARCHAR AS d FROM "
                                        + parquet(out.resolve("staging"))
                                        + " ORDER BY d"))
                .extracting(row -> row.get("d").toString())
                .contains("2026-11-01", "2026-11-02");

        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .extracting(AuditRecord::step)
                .containsExactly(
                        "extract", "validate", "dedupe", "transform", "load", "stage", "run");
        assertThat(audit).allMatch(AuditRecord::reconciles);
        assertThat(audit)
                .allMatch(r -> r.runId().equals(summary.run().runId()) && r.actor().equals("test"));
        assertThat(audit.get(audit.size() - 1).status()).isEqualTo(AuditRecord.SUCCEEDED);
    }

    @Test
    void aConnectorAddedByOneClassReceivesTheResultsAndIsAuditedAsTheOutput(@TempDir Path dir)
            throws IOException {
        // ToyConnector (common's tests) is on the class path only through its services entry
        Path out = dir.resolve("out");
        Path file = TestPipelines.sensorHourly(dir.resolve("spec"), input, out);
        String label = "hourly-" + dir.getFileName();
        Files.writeString(
                file,
                Files.readString(file)
                        .replace(
                                "sink: {type: parquet, path: "
                                        + out.resolve("sensor-hourly")
                                        + ", partition_by: [window_date]}",
                                "sink: {type: toy, label: " + label + "}"));
        PipelineSpec spec = SpecLoader.load(file);

        BatchRun.Summary summary = new BatchRun(spec, TestPipelines.runtime(dir), null).run();

        long groups =
                duck.count(
                        "SELECT count(*) FROM ("
                                + SensorOracle.expected(input + "/**/*.parquet")
                                + ")");
        assertThat(ToyConnector.rows(label)).hasSize((int) groups);
        assertThat(summary.counts().loaded()).isEqualTo(groups);
        assertThat(summary.counts().reconciles()).isTrue();
        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .filteredOn(r -> r.step().equals("load"))
                .singleElement()
                .satisfies(load -> assertThat(load.target()).isEqualTo("toy://" + label));
    }

    @Test
    void quarantineKeepsEveryRejectedRowWithItsRuleAndRunId(@TempDir Path dir) {
        Path out = dir.resolve("out");
        BatchRun.Summary summary = run(dir, out, null);

        List<Map<String, Object>> byRule =
                duck.query(
                        "SELECT rule || ':' || \"column\" AS rule, count(*) AS n, count(DISTINCT run_id) AS runs,"
                                + " min(run_id) AS run_id, bool_and(record LIKE '{\"id\":\"evt-%') AS has_row"
                                + " FROM "
                                + parquet(out.resolve("quarantine"))
                                + " GROUP BY 1 ORDER BY 1");
        assertThat(byRule)
                .extracting(r -> r.get("rule"))
                .containsExactly("range:temperature_c", "required:device_id");
        assertThat(byRule.stream().mapToLong(r -> ((Number) r.get("n")).longValue()).sum())
                .isEqualTo(generated.of(Kind.INVALID));
        assertThat(byRule)
                .allSatisfy(
                        r -> {
                            assertThat(r.get("run_id")).isEqualTo(summary.run().runId());
                            assertThat(r.get("has_row")).isEqualTo(true);
                        });
        assertThat(
                        summary.counts().ruleCounts("input").values().stream()
                                .mapToLong(Long::longValue)
                                .sum())
                .isEqualTo(generated.of(Kind.INVALID));
    }

    @Test
    void rerunningADateReplacesExactlyThatPartition(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Path hourly = out.resolve("sensor-hourly");
        run(dir, out, null);
        List<Path> dayTwoFiles = files(hourly.resolve("window_date=2026-11-02"));
        Path dayOne = hourly.resolve("window_date=2026-11-01");
        Path before = dir.resolve("before");
        duck.execute(
                "COPY (SELECT * FROM read_parquet('"
                        + dayOne
                        + "/*.parquet')) TO '"
                        + before
                        + ".parquet'");

        BatchRun.Summary first = run(dir, out, DAY_ONE);
        String afterFirst =
                "SELECT device_id, window_start, readings, avg_temp FROM read_parquet('"
                        + dayOne
                        + "/*.parquet')";
        String original =
                "SELECT device_id, window_start, readings, avg_temp FROM read_parquet('"
                        + before
                        + ".parquet')";
        // sums over a parallel shuffle may differ in the last bit between runs: compare with a
        // tolerance
        SensorOracle.assertSameResults(duck, afterFirst, original);
        BatchRun.Summary second = run(dir, out, DAY_ONE);
        SensorOracle.assertSameResults(duck, afterFirst, original);

        assertThat(files(hourly.resolve("window_date=2026-11-01")))
                .allMatch(
                        f ->
                                f.getFileName()
                                        .toString()
                                        .startsWith("part-" + second.run().shortId()));
        assertThat(files(hourly.resolve("window_date=2026-11-02"))).isEqualTo(dayTwoFiles);
        assertThat(first.outputs().get(0).result().replaced()).contains("window_date=2026-11-01");
        // quarantine of a dated run lives in its own date folder, replaced on rerun
        assertThat(
                        duck.count(
                                "SELECT count(DISTINCT run_id) FROM read_parquet('"
                                        + out.resolve("quarantine/date=2026-11-01")
                                        + "/*.parquet')"))
                .isEqualTo(1);
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers).noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    @Test
    void readsAParquetFileWrittenByDuckDbWithNestedStructsAndZstd(@TempDir Path dir) {
        Path source = dir.resolve("duck/events.parquet");
        duck.execute(
                "COPY (SELECT 'evt-' || i AS id, 'reading' AS type,"
                        + " TIMESTAMP '2026-11-01 00:00:00' + to_seconds(i * 7) AS \"timestamp\","
                        + " 'device-' || (i % 5) AS device_id, (15 + (i % 17) * 0.5)::DOUBLE AS temperature_c,"
                        + " (40.0 + (i % 3))::DOUBLE AS humidity_percent,"
                        + " {'room': 'room-' || (i % 3), 'building': 'B'} AS location"
                        + " FROM range(20000) t(i))"
                        + " TO '"
                        + createParent(source)
                        + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
        Path out = dir.resolve("out");
        BatchRun.Summary summary = run(dir, out, null, source);

        assertMatchesOracle(source.toString(), out.resolve("sensor-hourly"));
        assertThat(summary.counts().consumed()).isEqualTo(20_000);
        assertThat(summary.counts().rejectedOnInput()).isZero();
        // nested struct survived into staging
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + parquet(out.resolve("staging"))
                                        + " WHERE location.room LIKE 'room-%' AND location.building = 'B'"))
                .isEqualTo(20_000);
    }

    @Test
    void aFileWithoutARequiredColumnFailsNamingFileAndColumn(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("bad-source");
        Path file = source.resolve("date=2026-11-01/no-device.parquet");
        RowType withoutDevice =
                RowType.of(
                        new LogicalType[] {string(), string(), new TimestampType(true, 6)},
                        new String[] {"id", "type", "timestamp"});
        writeParquet(
                file,
                withoutDevice,
                GenericRowData.of(
                        StringData.fromString("evt-1"),
                        StringData.fromString("reading"),
                        TimestampData.fromEpochMillis(1_793_491_200_000L)));
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> run(dir, out, null, source))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'device_id' is missing");
        assertThat(out.resolve("sensor-hourly")).doesNotExist();
        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .last()
                .satisfies(
                        r -> {
                            assertThat(r.status()).isEqualTo(AuditRecord.FAILED);
                            assertThat(r.error()).contains("device_id");
                        });
    }

    @Test
    void aColumnOfTheWrongTypeFailsNamingFileColumnAndTypes(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("typed");
        Path file = source.resolve("wrong.parquet");
        RowType temperatureAsText =
                RowType.of(
                        new LogicalType[] {
                            string(), string(), new TimestampType(true, 6), string(), string()
                        },
                        new String[] {"id", "type", "timestamp", "device_id", "temperature_c"});
        writeParquet(
                file,
                temperatureAsText,
                GenericRowData.of(
                        StringData.fromString("evt-1"),
                        StringData.fromString("reading"),
                        TimestampData.fromEpochMillis(1_793_491_200_000L),
                        StringData.fromString("d"),
                        StringData.fromString("warm")));

        assertThatThrownBy(() -> run(dir, dir.resolve("out"), null, source))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'temperature_c' is binary")
                .hasMessageContaining("says double");
    }

    @Test
    void aCorruptFileFailsNamingTheFile(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("corrupt");
        Path file = source.resolve("date=2026-11-01/broken.parquet");
        Files.createDirectories(file.getParent());
        byte[] good = Files.readAllBytes(files(input.resolve("date=2026-11-01")).get(0));
        Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));

        assertThatThrownBy(() -> run(dir, dir.resolve("out"), null, source))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a readable Parquet file");
    }

    @Test
    void aDateWithoutInputFailsSoASchedulerCanRetryLater(@TempDir Path dir) {
        assertThatThrownBy(() -> run(dir, dir.resolve("out"), LocalDate.of(2026, 12, 24)))
                .hasMessageContaining("no input in")
                .hasMessageContaining("date=2026-12-24")
                .hasMessageContaining("has the data landed yet?");
    }

    private void assertMatchesOracle(String inputGlob, Path output) {
        SensorOracle.assertSameResults(
                duck, SensorOracle.results(output), SensorOracle.expected(inputGlob));
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + parquet(output)
                                        + " WHERE window_end <> window_start + INTERVAL 1 HOUR"))
                .isZero();
    }

    private static BatchRun.Summary run(Path dir, Path out, LocalDate date) {
        return run(dir, out, date, input);
    }

    private static BatchRun.Summary run(Path dir, Path out, LocalDate date, Path source) {
        PipelineSpec spec =
                SpecLoader.load(TestPipelines.sensorHourly(dir.resolve("spec"), source, out));
        RuntimeConfig runtime = TestPipelines.runtime(dir);
        return new BatchRun(spec, runtime, date).run();
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String createParent(Path file) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file.toAbsolutePath().toString();
    }

    private static void writeParquet(Path file, RowType type, RowData... rows) throws IOException {
        Files.createDirectories(file.getParent());
        BulkWriter.Factory<RowData> factory = ParquetFormats.writerFactory(type, "snappy");
        try (LocalDataOutputStream out = new LocalDataOutputStream(file.toFile())) {
            BulkWriter<RowData> writer = factory.create(out);
            for (RowData row : rows) {
                writer.addElement(row);
            }
            writer.finish();
        }
    }

    private static VarCharType string() {
        return new VarCharType(true, VarCharType.MAX_LENGTH);
    }
}
