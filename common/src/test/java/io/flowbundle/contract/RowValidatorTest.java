package io.flowbundle.contract;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.contract.ColumnType.Kind;
import io.flowbundle.testing.SensorRows;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowValidatorTest {

    private final RowValidator sensorRules = new RowValidator(SensorRows.contract());

    @Test
    void validRowProducesNull() {
        assertThat(sensorRules.validate(reading("evt-1").build())).isNull();
    }

    @Test
    void optionalColumnsMayBeNull() {
        assertThat(
                        sensorRules.validate(
                                reading("evt-1")
                                        .temperature(null)
                                        .humidity(null)
                                        .noLocation()
                                        .build()))
                .isNull();
    }

    @Test
    void missingRequiredColumn() {
        Violation violation = sensorRules.validate(reading("evt-1").noDevice().build());

        assertThat(violation.rule()).isEqualTo(Violation.REQUIRED);
        assertThat(violation.column()).isEqualTo("device_id");
        assertThat(violation.ruleId()).isEqualTo("required:device_id");
        assertThat(violation.message()).isEqualTo("device_id is required but missing");
    }

    @Test
    void missingEventTime() {
        assertThat(sensorRules.validate(reading("evt-1").noTimestamp().build()).ruleId())
                .isEqualTo("required:timestamp");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-50.0, -49.99, 0.0, 99.99, 100.0})
    void rangeBoundsAreInclusive(double celsius) {
        assertThat(sensorRules.validate(reading("evt-1").temperature(celsius).build())).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            doubles = {-50.01, 100.01, 150.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY})
    void outOfRange(double celsius) {
        Violation violation = sensorRules.validate(reading("evt-1").temperature(celsius).build());

        assertThat(violation.ruleId()).isEqualTo("range:temperature_c");
        assertThat(violation.message())
                .startsWith("temperature_c = " + celsius)
                .endsWith("is outside [-50, 100]");
    }

    @Test
    void nanIsOutOfEveryRange() {
        Violation violation = sensorRules.validate(reading("evt-1").humidity(Double.NaN).build());

        assertThat(violation.ruleId()).isEqualTo("range:humidity_percent");
        assertThat(violation.message()).isEqualTo("humidity_percent = NaN is outside [0, 100]");
    }

    @Test
    void allowedStringsAreComparedWhateverHoldsThem() {
        int type = SensorRows.TYPE.getFieldIndex("type");
        GenericRowData fromBytes = reading("evt-1").build();
        fromBytes.setField(
                type, StringData.fromBytes("heartbeat".getBytes(StandardCharsets.UTF_8)));
        GenericRowData notAllowed = reading("evt-1").build();
        notAllowed.setField(type, StringData.fromBytes("alarm".getBytes(StandardCharsets.UTF_8)));

        assertThat(sensorRules.validate(fromBytes)).isNull();
        assertThat(sensorRules.validate(notAllowed).message())
                .isEqualTo("type = 'alarm' is not one of [reading, heartbeat]");
    }

    @Test
    void valueNotAllowed() {
        Violation violation = sensorRules.validate(reading("evt-1").type("alarm").build());

        assertThat(violation.ruleId()).isEqualTo("allowed:type");
        assertThat(violation.message())
                .isEqualTo("type = 'alarm' is not one of [reading, heartbeat]");
    }

    @Test
    void everyAllowedValuePasses() {
        assertThat(sensorRules.validate(reading("evt-1").type("heartbeat").build())).isNull();
        assertThat(sensorRules.validate(reading("evt-1").type("reading").build())).isNull();
    }

    @Test
    void firstBrokenRuleInColumnOrderIsReported() {
        GenericRowData everythingWrong =
                reading("evt-1").type("alarm").noDevice().temperature(500.0).humidity(-1.0).build();

        assertThat(sensorRules.validate(everythingWrong).ruleId()).isEqualTo("allowed:type");
        everythingWrong.setField(SensorRows.TYPE_FIELD, StringData.fromString("reading"));
        assertThat(sensorRules.validate(everythingWrong).ruleId()).isEqualTo("required:device_id");
        everythingWrong.setField(SensorRows.DEVICE_ID, StringData.fromString("device-001"));
        assertThat(sensorRules.validate(everythingWrong).ruleId()).isEqualTo("range:temperature_c");
    }

    @Test
    void rulesAreListedById() {
        assertThat(sensorRules.rules())
                .containsOnlyKeys(
                        "required:id",
                        "required:type",
                        "allowed:type",
                        "required:timestamp",
                        "required:device_id",
                        "range:temperature_c",
                        "range:humidity_percent")
                .containsEntry("range:temperature_c", "temperature_c within [-50, 100]")
                .containsEntry("allowed:type", "type in [reading, heartbeat]");
    }

    @Test
    void integerColumnsHaveRangesAndAllowedValues() {
        Contract contract =
                contract(
                        new Column(
                                "readings",
                                ColumnType.of(Kind.BIGINT),
                                true,
                                1.0,
                                null,
                                List.of(),
                                null),
                        new Column(
                                "floor",
                                ColumnType.of(Kind.INT),
                                false,
                                -2.0,
                                40.0,
                                List.of("0", "1", "2"),
                                null));
        RowValidator rules = new RowValidator(contract);

        assertThat(rules.validate(GenericRowData.of(1L, 2))).isNull();
        assertThat(rules.validate(GenericRowData.of(Long.MAX_VALUE, null))).isNull();
        assertThat(rules.validate(GenericRowData.of(0L, 1)).ruleId()).isEqualTo("range:readings");
        assertThat(rules.validate(GenericRowData.of(0L, 1)).message())
                .startsWith("readings = 0 is outside [1,");
        assertThat(rules.validate(GenericRowData.of(5L, -3)).ruleId()).isEqualTo("range:floor");
        assertThat(rules.validate(GenericRowData.of(5L, 7)).ruleId()).isEqualTo("allowed:floor");
        assertThat(rules.validate(GenericRowData.of(5L, 7)).message())
                .isEqualTo("floor = '7' is not one of [0, 1, 2]");
        assertThat(rules.rules()).containsEntry("range:readings", "readings within [1, +inf]");
    }

    @Test
    void openBoundsReadTheSameInViolationsAndRules() {
        Contract contract =
                contract(
                        new Column(
                                "readings",
                                ColumnType.of(Kind.BIGINT),
                                false,
                                1.0,
                                null,
                                List.of(),
                                null),
                        new Column(
                                "depth_m",
                                ColumnType.of(Kind.DOUBLE),
                                false,
                                null,
                                2.5,
                                List.of(),
                                null));
        RowValidator rules = new RowValidator(contract);

        assertThat(rules.validate(GenericRowData.of(0L, null)).message())
                .isEqualTo("readings = 0 is outside [1, +inf]");
        assertThat(rules.validate(GenericRowData.of(null, 3.0)).message())
                .isEqualTo("depth_m = 3.0 is outside [-inf, 2.5]");
        assertThat(rules.rules())
                .containsEntry("range:readings", "readings within [1, +inf]")
                .containsEntry("range:depth_m", "depth_m within [-inf, 2.5]");
    }

    @Test
    void contractWithoutRulesAcceptsAnything() {
        RowValidator rules =
                new RowValidator(contract(Column.of("note", ColumnType.of(Kind.STRING))));

        assertThat(rules.validate(GenericRowData.of((Object) null))).isNull();
        assertThat(rules.rules()).isEmpty();
    }

    private static Contract contract(Column... columns) {
        return new Contract(
                "test", 1, "tests", null, null, null, List.of(), List.of(columns), "test.yaml");
    }
}
