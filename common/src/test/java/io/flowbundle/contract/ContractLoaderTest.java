package io.flowbundle.contract;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.config.ConfigNode;
import io.flowbundle.contract.ColumnType.Kind;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContractLoaderTest {

    @TempDir Path dir;

    private ConfFixture conf;
    private Path events;

    @BeforeEach
    void copyFixtures() {
        conf = ConfFixture.copyTo(dir);
        events = conf.contract("sensor_events");
    }

    @Test
    void sampleContractReadsEveryKeyAsWritten() {
        Contract contract = ContractLoader.load(events);

        assertThat(contract.name()).isEqualTo("sensor_events");
        assertThat(contract.schemaVersion()).isEqualTo(1);
        assertThat(contract.owner()).isEqualTo("data-platform");
        assertThat(contract.source()).isEqualTo("building sensors");
        assertThat(contract.description())
                .isEqualTo(
                        "One reading of one device. `id` is unique per reading; devices retry,"
                                + " so ids repeat.");
        assertThat(contract.retentionDays()).isEqualTo(30);
        assertThat(contract.primaryKey()).containsExactly("id");
        assertThat(contract.location()).isEqualTo(events.toString());
        assertThat(contract.columnNames())
                .containsExactly(
                        "id",
                        "type",
                        "timestamp",
                        "device_id",
                        "temperature_c",
                        "humidity_percent",
                        "location");

        assertThat(contract.column("id"))
                .contains(
                        new Column(
                                "id",
                                ColumnType.of(Kind.STRING),
                                true,
                                null,
                                null,
                                List.of(),
                                null));
        assertThat(contract.column("type").orElseThrow().allowed())
                .containsExactly("reading", "heartbeat");
        Column timestamp = contract.column("timestamp").orElseThrow();
        assertThat(timestamp.type().kind()).isEqualTo(Kind.TIMESTAMP);
        assertThat(timestamp.required()).isTrue();
        assertThat(timestamp.description()).isEqualTo("when the device took the reading (UTC)");
        Column temperature = contract.column("temperature_c").orElseThrow();
        assertThat(temperature.required()).isFalse();
        assertThat(temperature.min()).isEqualTo(-50.0);
        assertThat(temperature.max()).isEqualTo(100.0);
        assertThat(contract.column("humidity_percent").orElseThrow())
                .extracting(Column::min, Column::max)
                .containsExactly(0.0, 100.0);
        assertThat(contract.column("location").orElseThrow().type())
                .isEqualTo(
                        ColumnType.row(
                                List.of(
                                        new ColumnType.Field("room", ColumnType.of(Kind.STRING)),
                                        new ColumnType.Field(
                                                "building", ColumnType.of(Kind.STRING)))));
        assertThat(contract.column("location").orElseThrow().type())
                .hasToString("{room: string, building: string}");
    }

    @Test
    void hourlyContractReadsAsWritten() {
        Contract contract = ContractLoader.load(conf.contract("sensor_hourly"));

        assertThat(contract.primaryKey()).containsExactly("device_id", "window_start");
        assertThat(contract.retentionDays()).isEqualTo(365);
        assertThat(contract.column("readings").orElseThrow())
                .extracting(c -> c.type().kind(), Column::required, Column::min, Column::max)
                .containsExactly(Kind.BIGINT, true, 1.0, null);
        assertThat(contract.description()).isNull();
    }

    @Test
    void rowTypeHasMicrosecondTimestampsExceptTheEventTimeColumn() {
        Contract contract = ContractLoader.load(events);

        RowType stored = contract.rowType();
        RowType pipeline = contract.rowType("timestamp");

        assertThat(stored.getFieldNames()).isEqualTo(contract.columnNames());
        assertThat(((TimestampType) stored.getTypeAt(2)).getPrecision()).isEqualTo(6);
        assertThat(((TimestampType) pipeline.getTypeAt(2)).getPrecision()).isEqualTo(3);
        assertThat(stored.getTypeAt(6).getTypeRoot()).isEqualTo(LogicalTypeRoot.ROW);
        assertThat(((RowType) stored.getTypeAt(6)).getFieldNames())
                .containsExactly("room", "building");
        assertThat(stored.getChildren()).allMatch(t -> t.isNullable(), "every column is nullable");
    }

    @Test
    void optionalKeysHaveDefaults() {
        Path file =
                ConfFixture.write(
                        dir.resolve("minimal.yaml"),
                        """
                        name: minimal
                        schema_version: 2
                        columns:
                          - {name: n, type: int}
                        """);

        Contract contract = ContractLoader.load(file);

        assertThat(contract.owner()).isEqualTo("unknown");
        assertThat(contract.source()).isNull();
        assertThat(contract.retentionDays()).isNull();
        assertThat(contract.primaryKey()).isEmpty();
        assertThat(contract.unknownFields()).isEqualTo(UnknownFields.KEEP);
        assertThat(contract.column("n").orElseThrow())
                .isEqualTo(Column.of("n", ColumnType.of(Kind.INT)));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "string, STRING", "varchar, STRING", "text, STRING", "int, INT", "integer, INT",
        "bigint, BIGINT", "long, BIGINT", "double, DOUBLE", "float64, DOUBLE", "boolean, BOOLEAN",
        "bool, BOOLEAN", "date, DATE", "timestamp, TIMESTAMP", "TIMESTAMP, TIMESTAMP"
    })
    void typeNamesAndAliases(String yamlName, Kind kind) {
        Path file =
                ConfFixture.write(
                        dir.resolve("types.yaml"),
                        "name: t\nschema_version: 1\ncolumns: [{name: c, type: "
                                + yamlName
                                + "}]\n");

        assertThat(ContractLoader.load(file).columns().get(0).type().kind()).isEqualTo(kind);
    }

    @Test
    void nestedRowsNest() {
        ColumnType type =
                ContractLoader.parseType(
                        ConfigNode.load(
                                        ConfFixture.write(
                                                dir.resolve("t.yaml"),
                                                "type: {a: int, b: {c: timestamp}}"))
                                .get("type"));

        assertThat(type).hasToString("{a: int, b: {c: timestamp}}");
        assertThat(type.fields().get(1).type().fields().get(0).type().kind())
                .isEqualTo(Kind.TIMESTAMP);
    }

    // --- errors: one line, naming the file and the key ---

    @Test
    void unknownTopLevelKeySuggestsTheKnownOne() {
        ConfFixture.edit(events, "owner: data-platform", "ownr: data-platform");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "unknown key 'ownr'",
                "(did you mean 'owner'?)");
    }

    @Test
    void unknownColumnKeyNamesTheColumnAndSuggests() {
        ConfFixture.edit(
                events,
                "{name: device_id, type: string, required: true}",
                "{name: device_id, type: string, requird: true}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "unknown key 'requird' in columns[3]",
                "(did you mean 'required'?)");
    }

    @Test
    void missingRequiredKey() {
        ConfFixture.edit(events, "name: sensor_events\n", "");

        expectConfigError(
                () -> ContractLoader.load(events), events, "name: required key is missing");
    }

    @Test
    void columnWithoutTypeIsMissingAKey() {
        ConfFixture.edit(
                events,
                "{name: device_id, type: string, required: true}",
                "{name: device_id, required: true}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[3].type: required key is missing");
    }

    @Test
    void wrongTypeOfValue() {
        ConfFixture.edit(events, "schema_version: 1", "schema_version: one");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "schema_version: expected a whole number, got 'one'");
    }

    @Test
    void wrongTypeOfFlag() {
        ConfFixture.edit(
                events,
                "{name: device_id, type: string, required: true}",
                "{name: device_id, type: string, required: maybe}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[3].required: expected true or false, got 'maybe'");
    }

    @Test
    void unknownColumnType() {
        ConfFixture.edit(
                events,
                "{name: humidity_percent, type: double",
                "{name: humidity_percent, type: percent");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[5].type: unknown type 'percent'",
                "use string, int, bigint, double, boolean, date, timestamp");
    }

    @Test
    void unknownTypeInsideANestedRow() {
        ConfFixture.edit(
                events, "{room: string, building: string}", "{room: string, building: place}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[6].type.building: unknown type 'place'");
    }

    @Test
    void duplicateColumn() {
        ConfFixture.edit(
                events,
                "{name: device_id, type: string, required: true}",
                "{name: id, type: string, required: true}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[3]: column 'id' is declared twice");
    }

    @Test
    void minGreaterThanMax() {
        ConfFixture.edit(
                events, "type: double, min: -50, max: 100", "type: double, min: 100, max: -50");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[4]: min 100.0 is greater than max -50.0");
    }

    @Test
    void minEqualToMaxIsAllowed() {
        ConfFixture.edit(
                events, "type: double, min: -50, max: 100", "type: double, min: 20, max: 20");

        assertThat(ContractLoader.load(events).column("temperature_c").orElseThrow())
                .extracting(Column::min, Column::max)
                .containsExactly(20.0, 20.0);
    }

    @Test
    void minOnAStringColumn() {
        ConfFixture.edit(
                events,
                "{name: device_id, type: string, required: true}",
                "{name: device_id, type: string, required: true, min: 1}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[3]: min/max apply to int, bigint and double columns; 'device_id' is string");
    }

    @Test
    void maxOnATimestampColumn() {
        ConfFixture.edit(
                events,
                "{name: timestamp, type: timestamp, required: true,",
                "{name: timestamp, type: timestamp, required: true, max: 5,");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[2]: min/max apply to",
                "'timestamp' is timestamp");
    }

    @Test
    void allowedOnADoubleColumn() {
        ConfFixture.edit(
                events,
                "{name: humidity_percent, type: double,",
                "{name: humidity_percent, type: double, allowed: [1, 2],");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[5]: allowed applies to string, int and bigint columns");
    }

    @Test
    void primaryKeyMustBeAColumn() {
        ConfFixture.edit(events, "primary_key: [id]", "primary_key: [uuid]");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "primary_key: 'uuid' is not a column of the contract (columns: id, type, timestamp,"
                        + " device_id, temperature_c, humidity_percent, location)");
    }

    @ParameterizedTest(name = "unknown_fields: {0}")
    @CsvSource({"keep, KEEP", "drop, DROP", "reject, REJECT", "Reject, REJECT"})
    void unknownFieldsOption(String written, UnknownFields expected) {
        ConfFixture.edit(
                events, "retention_days: 30", "retention_days: 30\nunknown_fields: " + written);

        assertThat(ContractLoader.load(events).unknownFields()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "unknown_fields: {0}")
    @ValueSource(strings = {"ignore", "kept", "[drop]"})
    void unknownFieldsOptionOtherValue(String written) {
        ConfFixture.edit(
                events, "retention_days: 30", "retention_days: 30\nunknown_fields: " + written);

        expectConfigError(() -> ContractLoader.load(events), events, "unknown_fields: ");
    }

    @Test
    void aColumnNamedUnknownIsRefusedWhereUnknownFieldsAreKeptThere() {
        ConfFixture.edit(
                events,
                "  - {name: id, type: string, required: true}",
                "  - {name: id, type: string, required: true}\n  - {name: _unknown, type: string}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[1]: the column name _unknown is where unknown_fields: keep puts the fields"
                        + " the contract does not name; rename the column, or set unknown_fields:"
                        + " drop or reject");

        ConfFixture.edit(events, "retention_days: 30", "retention_days: 30\nunknown_fields: drop");
        assertThat(ContractLoader.load(events).columnNames()).contains(UnknownColumn.NAME);
    }

    @Test
    void schemaVersionAndRetentionMustBePositive() {
        ConfFixture.edit(events, "schema_version: 1", "schema_version: 0");
        expectConfigError(
                () -> ContractLoader.load(events), events, "schema_version: must be 1 or more");

        ConfFixture.edit(events, "schema_version: 0", "schema_version: 1");
        ConfFixture.edit(events, "retention_days: 30", "retention_days: 0");
        expectConfigError(
                () -> ContractLoader.load(events), events, "retention_days: must be 1 or more");
    }

    @Test
    void contractWithoutColumns() {
        Path file =
                ConfFixture.write(
                        dir.resolve("empty.yaml"), "name: empty\nschema_version: 1\ncolumns: []\n");

        expectConfigError(
                () -> ContractLoader.load(file),
                file,
                "columns: a contract needs at least one column");
    }

    @Test
    void nestedRowWithoutFields() {
        ConfFixture.edit(events, "{room: string, building: string}", "{}");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                "columns[6].type: a nested row needs at least one field");
    }

    @Test
    void missingContractFile() {
        Path missing = conf.contract("no_such_contract");

        expectConfigError(() -> ContractLoader.load(missing), missing, "file not found");
    }

    @Test
    void invalidYamlNamesTheLine() {
        String broken = "owner: data-platform\n  oops: indented under a scalar";
        ConfFixture.edit(events, "owner: data-platform", broken);
        int line = lineOf(ConfFixture.read(events), "oops:");

        expectConfigError(
                () -> ContractLoader.load(events),
                events,
                events + " (line " + line + "): not valid YAML");
    }

    private static int lineOf(String text, String fragment) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError(fragment + " not in text");
    }
}
