package io.flowbundle.governance;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.UsageException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.UnknownFields;
import io.flowbundle.governance.ContractCheck.FileResult;
import io.flowbundle.governance.ContractCheck.Report;
import io.flowbundle.governance.ContractCheck.RuleResult;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.ParquetFiles;
import io.flowbundle.testing.SensorRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractCheckTest {

    @TempDir Path dir;

    private final Contract contract = SensorRows.contract();

    @Test
    void aCleanFileIsClean() {
        Path file =
                ParquetFiles.write(
                        dir.resolve("clean.parquet"),
                        SensorRows.TYPE,
                        List.of(
                                reading("a").build(),
                                reading("b").type("heartbeat").temperature(null).build()));

        Report report = ContractCheck.run(contract, file);

        assertThat(report.clean()).isTrue();
        assertThat(report.files())
                .containsExactly(new FileResult(file.toString(), 2, true, List.of()));
        assertThat(report.rowsChecked()).isEqualTo(2);
        assertThat(report.rules()).extracting(RuleResult::violations).containsOnly(0L);
        assertThat(report.rules())
                .extracting(RuleResult::rule)
                .containsExactly(
                        "required:id",
                        "required:type",
                        "allowed:type",
                        "required:timestamp",
                        "required:device_id",
                        "range:temperature_c",
                        "range:humidity_percent");
        assertThat(report.text())
                .contains("files checked: 1, rows checked: 2 (0 with violations)")
                .contains("schema problems: none")
                .endsWith("result: clean\n");
    }

    @Test
    void columnsTheContractDoesNotNameAndKeptUnknownFieldsAreReportedWithoutMakingItUnclean()
            throws Exception {
        List<RowType.RowField> fields = new ArrayList<>(SensorRows.TYPE.getFields());
        fields.set(
                SensorRows.LOCATION,
                new RowType.RowField(
                        "location",
                        RowType.of(
                                new LogicalType[] {
                                    new VarCharType(VarCharType.MAX_LENGTH),
                                    new VarCharType(VarCharType.MAX_LENGTH),
                                    new IntType()
                                },
                                new String[] {"room", "building", "floor"})));
        fields.add(new RowType.RowField("battery", new DoubleType()));
        fields.add(
                new RowType.RowField(UnknownColumn.NAME, new VarCharType(VarCharType.MAX_LENGTH)));
        RowType wide = new RowType(fields);
        Path file =
                ParquetFiles.write(
                        dir.resolve("landing/part-0.parquet"),
                        wide,
                        List.of(
                                wide(
                                        reading("a").build(),
                                        "{\"firmware\":{\"v\":1},\"location\":{\"gps\":{\"lat\":1}}}"),
                                wide(reading("b").build(), "{\"firmware\":{\"v\":2}}"),
                                wide(reading("c").build(), null)));

        Report report = ContractCheck.run(contract, file.getParent());

        assertThat(report.clean()).isTrue();
        assertThat(report.unknown().columns())
                .containsExactly(Map.entry("location.floor", 1L), Map.entry("battery", 1L));
        assertThat(report.unknown().rowsWithUnknownFields()).isEqualTo(2);
        assertThat(report.unknown().topPaths())
                .containsExactly(Map.entry("firmware", 2L), Map.entry("location.gps", 1L));
        assertThat(report.text())
                .contains(
                        "unknown columns (in the files, not in the contract; a run does not read"
                                + " them): \n  location.floor (1 file(s))\n  battery (1 file(s))\n")
                .contains(
                        "unknown fields kept in _unknown: 2 row(s); most frequent: firmware (2)"
                                + " location.gps (1)\n");
        JsonNode json = AuditLog.json().readTree(report.json()).get("unknown");
        assertThat(json.get("columns").get("battery").asLong()).isEqualTo(1);
        assertThat(json.get("rows_with_unknown_fields").asLong()).isEqualTo(2);
        assertThat(json.get("top_paths").get("firmware").asLong()).isEqualTo(2);

        Contract dropping =
                new Contract(
                        contract.name(),
                        contract.schemaVersion(),
                        contract.owner(),
                        contract.source(),
                        contract.description(),
                        contract.retentionDays(),
                        contract.primaryKey(),
                        contract.columns(),
                        contract.location(),
                        UnknownFields.DROP);
        Report strict = ContractCheck.run(dropping, file.getParent());
        assertThat(strict.unknown().columns())
                .as("_unknown is a column like any other where the contract does not keep there")
                .containsKey(UnknownColumn.NAME);
        assertThat(strict.unknown().rowsWithUnknownFields()).isZero();
    }

    /** A sensor row with {@code location.floor = 3}, {@code battery = 0.5} and {@code _unknown}. */
    private static RowData wide(RowData sensor, String unknown) {
        GenericRowData row = new GenericRowData(SensorRows.TYPE.getFieldCount() + 2);
        for (int i = 0; i < SensorRows.LOCATION; i++) {
            row.setField(i, ((GenericRowData) sensor).getField(i));
        }
        RowData location = sensor.getRow(SensorRows.LOCATION, 2);
        row.setField(
                SensorRows.LOCATION,
                GenericRowData.of(location.getString(0), location.getString(1), 3));
        row.setField(SensorRows.LOCATION + 1, 0.5);
        row.setField(
                SensorRows.LOCATION + 2, unknown == null ? null : StringData.fromString(unknown));
        return row;
    }

    @Test
    void everyBrokenRuleIsCountedWithExamplesNamingFileAndRow() {
        Path folder = dir.resolve("events");
        ParquetFiles.write(
                folder.resolve("date=2026-11-01/part-0.parquet"),
                SensorRows.TYPE,
                List.of(
                        reading("ok").build(),
                        reading("hot").temperature(150.0).build(),
                        reading("anonymous").noDevice().build(),
                        reading("odd").type("alarm").build(),
                        reading("both").temperature(-80.0).noDevice().build()));

        Report report = ContractCheck.run(contract, folder);

        assertThat(report.clean()).isFalse();
        assertThat(report.rowsChecked()).isEqualTo(5);
        assertThat(report.rowsWithViolations()).isEqualTo(4);
        assertThat(counts(report))
                .containsEntry("range:temperature_c", 2L)
                .containsEntry("required:device_id", 2L)
                .containsEntry("allowed:type", 1L)
                .containsEntry("required:id", 0L);
        assertThat(rule(report, "range:temperature_c").examples())
                .containsExactly(
                        "date=2026-11-01/part-0.parquet row 1: temperature_c = 150.0 is outside [-50, 100]",
                        "date=2026-11-01/part-0.parquet row 4: temperature_c = -80.0 is outside [-50, 100]");
        assertThat(rule(report, "allowed:type").examples())
                .containsExactly(
                        "date=2026-11-01/part-0.parquet row 3: type = 'alarm' is not one of [reading, heartbeat]");
        assertThat(report.text())
                .contains(
                        "  range:temperature_c              2  temperature_c within [-50, 100]\n"
                                + "      e.g. date=2026-11-01/part-0.parquet row 1: temperature_c = 150.0 is outside [-50, 100]\n")
                .endsWith(
                        "result: 0 file(s) with schema problems, 5 rule violation(s) in 4 row(s)\n");
    }

    @Test
    void examplesStopAtThreePerRuleButCountsDoNot() {
        Path file =
                ParquetFiles.write(
                        dir.resolve("hot.parquet"),
                        SensorRows.TYPE,
                        List.of(
                                reading("1").temperature(101.0).build(),
                                reading("2").temperature(102.0).build(),
                                reading("3").temperature(103.0).build(),
                                reading("4").temperature(104.0).build()));

        RuleResult range = rule(ContractCheck.run(contract, file), "range:temperature_c");

        assertThat(range.violations()).isEqualTo(4);
        assertThat(range.examples()).hasSize(ContractCheck.EXAMPLES_PER_RULE);
        assertThat(range.examples().get(2))
                .isEqualTo("hot.parquet row 2: temperature_c = 103.0 is outside [-50, 100]");
    }

    @Test
    void countsAgreeWithDuckDbOnGeneratedData() throws Exception {
        Path folder = dir.resolve("generated");
        SampleData.Counts written =
                SampleData.writeParquet(
                        folder,
                        SensorEventGenerator.Settings.defaults()
                                .withEvents(20_000)
                                .withInvalid(0.05),
                        "zstd");

        Report report = ContractCheck.run(contract, folder);

        String all = "read_parquet('" + folder + "/**/*.parquet')";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(report.rowsChecked())
                    .isEqualTo(written.total())
                    .isEqualTo(count(duck, "SELECT count(*) FROM " + all));
            assertThat(counts(report))
                    .containsEntry(
                            "required:device_id",
                            count(duck, "SELECT count(*) FROM " + all + " WHERE device_id IS NULL"))
                    .containsEntry(
                            "range:temperature_c",
                            count(
                                    duck,
                                    "SELECT count(*) FROM "
                                            + all
                                            + " WHERE temperature_c NOT BETWEEN -50 AND 100"))
                    .containsEntry(
                            "allowed:type",
                            count(
                                    duck,
                                    "SELECT count(*) FROM "
                                            + all
                                            + " WHERE type NOT IN ('reading', 'heartbeat')"));
            assertThat(report.rowsWithViolations())
                    .isEqualTo(written.of(SensorEventGenerator.Kind.INVALID))
                    .isEqualTo(
                            count(
                                    duck,
                                    "SELECT count(*) FROM "
                                            + all
                                            + " WHERE device_id IS NULL OR id IS NULL"
                                            + " OR temperature_c NOT BETWEEN -50 AND 100"
                                            + " OR humidity_percent NOT BETWEEN 0 AND 100"
                                            + " OR type NOT IN ('reading', 'heartbeat')"));
        }
    }

    @Test
    void aFileMissingARequiredColumnIsASchemaProblemAndTheOthersAreStillChecked() throws Exception {
        Path folder = dir.resolve("events");
        Path good =
                ParquetFiles.write(
                        folder.resolve("good.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("a").temperature(500.0).build()));
        Path noDevice = folder.resolve("no-device.parquet");
        duckDb(
                "COPY (SELECT * EXCLUDE (device_id) FROM '"
                        + good
                        + "') TO '"
                        + noDevice
                        + "' (FORMAT parquet)");

        Report report = ContractCheck.run(contract, folder);

        assertThat(report.files())
                .extracting(FileResult::file)
                .containsExactly(good.toString(), noDevice.toString());
        FileResult missing = report.files().get(1);
        assertThat(missing.rowsChecked()).isFalse();
        assertThat(missing.problems())
                .containsExactly(
                        noDevice
                                + ": column 'device_id' is missing; contract sensor_events requires it (the file has:"
                                + " id, type, timestamp, temperature_c, humidity_percent, location)");
        assertThat(report.rowsChecked()).isEqualTo(1);
        assertThat(counts(report))
                .containsEntry("range:temperature_c", 1L)
                .containsEntry("required:device_id", 0L);
        assertThat(report.text())
                .contains(
                        "schema problems: 1 file(s)\n  "
                                + missing.problems().get(0)
                                + "\n  "
                                + noDevice
                                + ": rows not checked\n")
                .endsWith(
                        "result: 1 file(s) with schema problems, 1 rule violation(s) in 1 row(s)\n");
    }

    @Test
    void aMissingOptionalColumnReadsAsNullAndIsFine() throws Exception {
        Path good =
                ParquetFiles.write(
                        dir.resolve("src/good.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("a").humidity(500.0).build()));
        Path older = dir.resolve("older.parquet");
        duckDb(
                "COPY (SELECT * EXCLUDE (humidity_percent) FROM '"
                        + good
                        + "') TO '"
                        + older
                        + "' (FORMAT parquet)");

        assertThat(counts(ContractCheck.run(contract, good)))
                .containsEntry("range:humidity_percent", 1L);
        Report report = ContractCheck.run(contract, older);
        assertThat(report.clean()).isTrue();
        assertThat(report.rowsChecked()).isEqualTo(1);
    }

    @Test
    void everyMistypedColumnOfAFileIsListed() throws Exception {
        Path good =
                ParquetFiles.write(
                        dir.resolve("src/good.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("a").build()));
        Path mistyped = dir.resolve("mistyped.parquet");
        duckDb(
                "COPY (SELECT * REPLACE (CAST(temperature_c AS VARCHAR) AS temperature_c, 7 AS device_id) FROM '"
                        + good
                        + "') TO '"
                        + mistyped
                        + "' (FORMAT parquet)");

        Report report = ContractCheck.run(contract, mistyped);

        assertThat(report.clean()).isFalse();
        assertThat(report.files().get(0).problems())
                .hasSize(2)
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(mistyped + ": column 'device_id' is int32")
                                        .endsWith("says string"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(mistyped + ": column 'temperature_c' is binary")
                                        .endsWith("says double"));
    }

    @Test
    void aCorruptFileIsReportedNotThrown() {
        Path folder = dir.resolve("events");
        Path good =
                ParquetFiles.write(
                        folder.resolve("a.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("a").build()));
        Path corrupt = ParquetFiles.truncatedCopy(good, folder.resolve("b.parquet"), 0.5);

        Report report = ContractCheck.run(contract, folder);

        assertThat(report.clean()).isFalse();
        assertThat(report.rowsChecked()).isEqualTo(1);
        assertThat(report.filesWithProblems()).hasSize(1);
        assertThat(report.filesWithProblems().get(0).problems().get(0))
                .startsWith(corrupt + ": not a readable Parquet file (")
                .doesNotContain("\n");
    }

    @Test
    void hiddenAndUnderscoreEntriesAreNotChecked() throws Exception {
        Path folder = dir.resolve("events");
        Path good =
                ParquetFiles.write(
                        folder.resolve("date=2026-11-01/a.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("a").build()));
        Files.createDirectories(folder.resolve("_temporary"));
        Files.writeString(folder.resolve("_temporary/half.parquet"), "not parquet");
        Files.createDirectories(folder.resolve(".sensor.staging-1"));
        Files.writeString(folder.resolve(".sensor.staging-1/half.parquet"), "not parquet");
        Files.writeString(folder.resolve("date=2026-11-01/_SUCCESS"), "");

        Report report = ContractCheck.run(contract, folder);

        assertThat(report.files()).extracting(FileResult::file).containsExactly(good.toString());
        assertThat(report.clean()).isTrue();
    }

    @Test
    void jsonCarriesTheSameReport() throws Exception {
        Path file =
                ParquetFiles.write(
                        dir.resolve("one.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("hot").temperature(150.0).build()));

        JsonNode json = AuditLog.json().readTree(ContractCheck.run(contract, file).json());

        assertThat(json.get("contract").asText()).isEqualTo("sensor_events");
        assertThat(json.get("clean").asBoolean()).isFalse();
        assertThat(json.get("files_checked").asInt()).isEqualTo(1);
        assertThat(json.get("rows_checked").asLong()).isEqualTo(1);
        assertThat(json.get("violations").asLong()).isEqualTo(1);
        assertThat(json.get("files").get(0).get("file").asText()).isEqualTo(file.toString());
        JsonNode range = json.get("rules").get(5);
        assertThat(range.get("rule").asText()).isEqualTo("range:temperature_c");
        assertThat(range.get("violations").asLong()).isEqualTo(1);
        assertThat(range.get("examples").get(0).asText())
                .isEqualTo("one.parquet row 0: temperature_c = 150.0 is outside [-50, 100]");
    }

    @Test
    void aPathThatIsNotThereOrHoldsNoParquetIsAUsageError() throws Exception {
        assertThatThrownBy(() -> ContractCheck.run(contract, dir.resolve("nope")))
                .isInstanceOf(UsageException.class)
                .hasMessage(
                        dir.resolve("nope")
                                + ": no such file or folder; give a Parquet file or a folder of them");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ContractCheck.run(contract, dir.resolve("empty")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("has no Parquet files");
    }

    private static Map<String, Long> counts(Report report) {
        return report.rules().stream()
                .collect(Collectors.toMap(RuleResult::rule, RuleResult::violations));
    }

    private static RuleResult rule(Report report, String id) {
        return report.rules().stream().filter(r -> r.rule().equals(id)).findFirst().orElseThrow();
    }

    private static long count(Connection duck, String sql) throws Exception {
        try (Statement statement = duck.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void duckDb(String sql) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute(sql);
        }
    }
}
