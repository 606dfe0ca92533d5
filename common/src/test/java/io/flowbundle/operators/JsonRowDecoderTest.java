package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.UnknownFields;
import io.flowbundle.contract.Violation;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonRowDecoderTest {

    private final JsonRowDecoder sensors = new JsonRowDecoder(SensorRows.TYPE);

    private RowData decode(String json) throws DecodeException {
        return sensors.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private Violation rejectionOf(String json) {
        return rejectionOf(sensors, json);
    }

    private static Violation rejectionOf(JsonRowDecoder decoder, String json) {
        DecodeException e =
                catchThrowableOfType(
                        DecodeException.class,
                        () -> decoder.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("decoding %s fails", json).isNotNull();
        assertThat(e.getMessage()).isEqualTo(e.violation().message());
        return e.violation();
    }

    private static final String NESTED_SENSOR_JSON =
            """
            {"id": "evt-1", "type": "reading", "timestamp": "2026-11-01T10:01:30Z",
             "device_id": "device-007", "temperature_c": 21.5, "humidity_percent": 40,
             "location": {"room": "room-3", "building": "building-B"}}
            """;

    @Test
    void decodesANestedSensorRow() throws Exception {
        RowData row = decode(NESTED_SENSOR_JSON);

        assertThat(row)
                .isEqualTo(
                        reading("evt-1")
                                .at("2026-11-01T10:01:30Z")
                                .device("device-007")
                                .temperature(21.5)
                                .humidity(40.0)
                                .location("room-3", "building-B")
                                .build());
    }

    @Test
    void stringsAreUtf8WhateverTheirCharacters() throws Exception {
        RowData row =
                decode(
                        "{\"id\": \"evt-1\", \"device_id\": \"Z\u00fcrich \u2603 \\u00e9 \\\"q\\\"\"}");

        assertThat(row.getString(SensorRows.TYPE.getFieldIndex("id")).toString())
                .isEqualTo("evt-1");
        assertThat(row.getString(SensorRows.TYPE.getFieldIndex("device_id")).toBytes())
                .isEqualTo("Z\u00fcrich \u2603 \u00e9 \"q\"".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsThroughTheEncoder() throws Exception {
        JsonRowEncoder encoder = new JsonRowEncoder(SensorRows.TYPE);
        GenericRowData[] rows = {
            reading("evt-1").at("2026-11-01T10:01:30Z").build(),
            reading("evt-2")
                    .at("2026-11-01T23:59:59.999Z")
                    .temperature(-50.0)
                    .humidity(100.0)
                    .build(),
            reading("evt-3")
                    .at("1969-12-31T23:59:59.123456Z")
                    .noLocation()
                    .temperature(null)
                    .build(),
            reading("evt-4")
                    .at("2026-11-01T10:00:00.000001Z")
                    .location("Büro \"Nord\" ☃", null)
                    .build(),
            reading("evt-5").noTimestamp().noDevice().type("heartbeat").humidity(null).build()
        };

        for (GenericRowData row : rows) {
            assertThat(sensors.decode(encoder.encode(row))).isEqualTo(row);
        }
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() throws Exception {
        RowData row =
                decode(
                        """
                        {"firmware": {"version": [1, 2, {"beta": true}]}, "id": "evt-1",
                         "location": {"floor": 3, "room": "room-1", "tags": ["a"], "building": "building-A"},
                         "extra": null, "temperature_c": 21.5, "unit": "C"}
                        """);

        assertThat(SensorRows.idOf(row)).isEqualTo("evt-1");
        assertThat(row.getDouble(SensorRows.TEMPERATURE)).isEqualTo(21.5);
        assertThat(row.getRow(SensorRows.LOCATION, 2))
                .isEqualTo(GenericRowData.of(str("room-1"), str("building-A")));
    }

    private final JsonRowDecoder strict = new JsonRowDecoder(SensorRows.TYPE, UnknownFields.REJECT);

    @Test
    void rejectingUnknownFieldsPassesARecordOfKnownFieldsOnly() throws Exception {
        RowData row = strict.decode(NESTED_SENSOR_JSON.getBytes(StandardCharsets.UTF_8));

        assertThat(row).isEqualTo(decode(NESTED_SENSOR_JSON));
        assertThat(
                        strict.decode(
                                "{\"location\": null, \"id\": \"evt-1\"}"
                                        .getBytes(StandardCharsets.UTF_8)))
                .as("null and absent known fields, in any order")
                .isEqualTo(decode("{\"id\": \"evt-1\"}"));
    }

    @Test
    void rejectingUnknownFieldsNamesTheFirstOnesDottedPath() {
        Violation top = rejectionOf(strict, "{\"id\": \"evt-1\", \"unit\": \"C\", \"extra\": 1}");
        Violation nested =
                rejectionOf(
                        strict,
                        "{\"id\": \"evt-1\", \"location\": {\"room\": \"r\", \"floor\": 3},"
                                + " \"unit\": \"C\"}");
        Violation nullValue = rejectionOf(strict, "{\"extra\": null, \"id\": \"evt-1\"}");

        assertThat(top.rule()).isEqualTo(Violation.UNKNOWN);
        assertThat(top.column()).as("not a column of the contract").isNull();
        assertThat(top.ruleId()).isEqualTo("unknown");
        assertThat(top.message()).isEqualTo("unknown field unit");
        assertThat(nested.message()).isEqualTo("unknown field location.floor");
        assertThat(nullValue.message())
                .as("a null value is still a field")
                .isEqualTo("unknown field extra");
    }

    @Test
    void rejectingUnknownFieldsStopsAtAnArrayTheContractDoesNotName() {
        // the contract has no array type: an array, and every object in it, is unknown
        assertThat(
                        rejectionOf(
                                        strict,
                                        "{\"id\": \"evt-1\", \"location\": {\"tags\": [{\"beta\":"
                                                + " true}], \"room\": \"r\"}}")
                                .message())
                .isEqualTo("unknown field location.tags");
        assertThat(
                        rejectionOf(
                                        strict,
                                        "{\"readings\": [{\"id\": \"evt-1\"}], \"id\": \"evt-1\"}")
                                .message())
                .isEqualTo("unknown field readings");
    }

    @Test
    void aLongOrControlCharacterFieldNameIsQuotedOnOneLine() {
        String name = "x\n".repeat(50);
        Violation violation = rejectionOf(strict, "{\"" + name.replace("\n", "\\n") + "\": 1}");

        assertThat(violation.message())
                .isEqualTo("unknown field " + Violation.quote(name))
                .doesNotContain("\n")
                .contains("(100 characters)");
    }

    @Test
    void droppingSkipsUnknownFieldsAtEveryLevel() throws Exception {
        assertThat(
                        new JsonRowDecoder(SensorRows.TYPE, UnknownFields.DROP)
                                .decode(
                                        "{\"id\": \"evt-1\", \"location\": {\"floor\": 3}, \"x\": [1]}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(decode("{\"id\": \"evt-1\", \"location\": {}}"));
    }

    private final JsonRowDecoder keeping = new JsonRowDecoder(SensorRows.TYPE, UnknownFields.KEEP);

    private static final String NEW_FIELDS_JSON =
            """
            {"firmware": {"version": [1, 2, {"beta": true}]}, "id": "evt-1", "type": "reading",
             "timestamp": "2026-11-01T10:01:30Z", "device_id": "device-007", "temperature_c": 21.5,
             "location": {"floor": 3, "room": "room-3", "tags": ["a"], "building": "building-B",
             "gps": {"lat": 52.5}}, "humidity_percent": 40, "extra": null, "unit": "C"}
            """;

    private RowData keep(String json) throws DecodeException {
        return keeping.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String unknownOf(RowData row) {
        int unknown = SensorRows.TYPE.getFieldCount();
        assertThat(row.getArity()).isEqualTo(unknown + 1);
        return row.isNullAt(unknown) ? null : row.getString(unknown).toString();
    }

    @Test
    void keepingCollectsUnknownFieldsAtEveryLevelWhereTheyWereFound() throws Exception {
        RowData row = keep(NEW_FIELDS_JSON);

        assertThat(keeping.rowType().getFieldNames())
                .endsWith("location", UnknownColumn.NAME)
                .hasSize(SensorRows.TYPE.getFieldCount() + 1);
        assertThat(unknownOf(row))
                .isEqualTo(
                        "{\"firmware\":{\"version\":[1,2,{\"beta\":true}]},"
                                + "\"location\":{\"floor\":3,\"tags\":[\"a\"],\"gps\":{\"lat\":52.5}},"
                                + "\"extra\":null,\"unit\":\"C\"}");
        assertThat(contractColumns(row))
                .as("the contract's columns as dropping decodes them")
                .isEqualTo(
                        new JsonRowDecoder(SensorRows.TYPE, UnknownFields.DROP)
                                .decode(NEW_FIELDS_JSON.getBytes(StandardCharsets.UTF_8)));
        assertThat(UnknownColumn.paths(unknownOf(row), SensorRows.TYPE))
                .containsExactly(
                        "firmware",
                        "location.floor",
                        "location.tags",
                        "location.gps",
                        "extra",
                        "unit");
    }

    @Test
    void keepingARecordOfKnownFieldsOnlyLeavesUnknownNull() throws Exception {
        assertThat(unknownOf(keep(NESTED_SENSOR_JSON))).isNull();
        assertThat(unknownOf(keep("{\"location\": {\"floor\": 3}}")))
                .as("an unknown field in a nested row only")
                .isEqualTo("{\"location\":{\"floor\":3}}");
        assertThat(unknownOf(keep("{\"id\": \"evt-2\"}")))
                .as("nothing of the record before is left over")
                .isNull();
    }

    @Test
    void keepingCopiesValuesExactlyAsSent() throws Exception {
        String unknown =
                unknownOf(
                        keep(
                                "{\"id\": \"evt-1\", \"ratio\": 1.10, \"huge\": 1e400, \"big\":"
                                        + " 123456789012345678901234567890, \"text\": \"caf\\u00e9 \\\"x\\\"\"}"));

        assertThat(unknown)
                .contains("\"ratio\":1.10", "\"big\":123456789012345678901234567890")
                .contains("\"text\":\"caf\u00e9 \\\"x\\\"\"")
                .doesNotContain("Infinity");
        assertThat(new java.math.BigDecimal(JSON_EXACT.readTree(unknown).get("huge").asText()))
                .isEqualByComparingTo("1e400");
    }

    @Test
    void keepingAfterARejectedRecordStartsAfresh() throws Exception {
        Violation violation =
                rejectionOf(
                        keeping, "{\"unit\": \"C\", \"location\": {\"floor\": 3, \"room\": 5}}");

        assertThat(violation.column()).isEqualTo("location.room");
        assertThat(unknownOf(keep("{\"id\": \"evt-1\", \"location\": {\"room\": \"r\"}}")))
                .isNull();
        assertThat(unknownOf(keep("{\"id\": \"evt-1\", \"x\": 1}"))).isEqualTo("{\"x\":1}");
    }

    @Test
    void theEncoderMergesUnknownFieldsBackIntoTheRecordAsSent() throws Exception {
        RowData row = keep(NEW_FIELDS_JSON);

        JsonNode encoded =
                JSON_EXACT.readTree(new JsonRowEncoder(keeping.rowType()).encodeToString(row));

        assertThat(encoded.has(UnknownColumn.NAME)).isFalse();
        assertThat(encoded.equals(NUMERIC, JSON_EXACT.readTree(NEW_FIELDS_JSON)))
                .as("%s equals the input up to key order and number formatting", encoded)
                .isTrue();
        assertThat(new JsonRowEncoder(keeping.rowType()).encodeToString(keep(NESTED_SENSOR_JSON)))
                .as("a row without unknown fields")
                .isEqualTo(
                        new JsonRowEncoder(SensorRows.TYPE)
                                .encodeToString(decode(NESTED_SENSOR_JSON)));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_EXACT =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .USE_BIG_DECIMAL_FOR_FLOATS)
                    .build();

    /** Numbers equal by value (40 and 40.0), everything else as JsonNode compares it. */
    private static final java.util.Comparator<JsonNode> NUMERIC =
            (a, b) -> {
                if (a.isNumber() && b.isNumber()) {
                    return a.decimalValue().compareTo(b.decimalValue());
                }
                return a.equals(b) ? 0 : 1;
            };

    /** The first columns of a kept row, the contract's. */
    private static RowData contractColumns(RowData row) {
        int arity = SensorRows.TYPE.getFieldCount();
        GenericRowData out = new GenericRowData(arity);
        for (int i = 0; i < arity; i++) {
            out.setField(i, ((GenericRowData) row).getField(i));
        }
        return out;
    }

    @Test
    void fieldsInAnyOrderAndRepeatedOnesDecodeAsByName() throws Exception {
        RowData reversed =
                decode(
                        """
                        {"location": {"building": "building-B", "room": "room-3"}, "humidity_percent": 40,
                         "temperature_c": 99.0, "device_id": "device-007", "timestamp": "2026-11-01T10:01:30Z",
                         "type": "reading", "temperature_c": 21.5, "id": "evt-1"}
                        """);

        assertThat(reversed)
                .as("the last of a repeated field wins")
                .isEqualTo(decode(NESTED_SENSOR_JSON));
    }

    @Test
    void missingAndNullFieldsAreNull() throws Exception {
        RowData row =
                decode(
                        "{\"id\": \"evt-1\", \"device_id\": null, \"location\": {\"room\": \"room-1\"}}");

        for (int i :
                new int[] {
                    SensorRows.TYPE_FIELD,
                    SensorRows.TIMESTAMP,
                    SensorRows.DEVICE_ID,
                    SensorRows.TEMPERATURE,
                    SensorRows.HUMIDITY
                }) {
            assertThat(row.isNullAt(i)).as("field %d is null", i).isTrue();
        }
        RowData location = row.getRow(SensorRows.LOCATION, 2);
        assertThat(location.getString(0).toString()).isEqualTo("room-1");
        assertThat(location.isNullAt(1)).isTrue();
        assertThat(decode("{}").getArity()).isEqualTo(SensorRows.TYPE.getFieldCount());
    }

    @Test
    void wrongTypeOfTopLevelField() {
        Violation violation = rejectionOf("{\"id\": \"evt-1\", \"temperature_c\": \"warm\"}");

        assertThat(violation.rule()).isEqualTo(Violation.TYPE);
        assertThat(violation.column()).isEqualTo("temperature_c");
        assertThat(violation.ruleId()).isEqualTo("type:temperature_c");
        assertThat(violation.message()).isEqualTo("temperature_c: expected a number, got a string");
    }

    @Test
    void wrongTypeOfNestedFieldNamesTheDottedPath() {
        Violation violation = rejectionOf("{\"location\": {\"room\": 5, \"building\": \"b\"}}");

        assertThat(violation.rule()).isEqualTo(Violation.TYPE);
        assertThat(violation.column()).isEqualTo("location.room");
        assertThat(violation.message())
                .isEqualTo("location.room: expected a string, got a number (5)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"id\": 17}                          | id            | a string",
                "{\"id\": [\"a\"]}                     | id            | a string, got an array",
                "{\"location\": \"room-1\"}            | location      | an object, got a string",
                "{\"location\": {\"building\": true}}  | location.building | a string, got a boolean",
                "{\"humidity_percent\": false}         | humidity_percent  | a number, got a boolean",
                "{\"timestamp\": true}                 | timestamp     | an ISO-8601 timestamp string",
                "{\"timestamp\": 1.7e12}               | timestamp     | an ISO-8601 timestamp string",
                "{\"timestamp\": {\"s\": 1}}           | timestamp     | an ISO-8601 timestamp string"
            })
    void wrongJsonTypesAreTypeViolations(String json, String column, String expected) {
        Violation violation = rejectionOf(json);

        assertThat(violation.rule()).isEqualTo(Violation.TYPE);
        assertThat(violation.column()).isEqualTo(column);
        assertThat(violation.message()).startsWith(column + ": expected " + expected);
    }

    @Test
    void integerBooleanAndDateColumns() throws Exception {
        JsonRowDecoder decoder =
                new JsonRowDecoder(
                        RowType.of(
                                new LogicalType[] {
                                    new IntType(),
                                    new BigIntType(),
                                    new BooleanType(),
                                    new DateType()
                                },
                                new String[] {"floor", "readings", "active", "day"}));

        RowData row =
                decoder.decode(
                        "{\"floor\": -2, \"readings\": 9000000000, \"active\": true, \"day\": \"2028-02-29\"}"
                                .getBytes(StandardCharsets.UTF_8));

        assertThat(row)
                .isEqualTo(
                        GenericRowData.of(
                                -2,
                                9_000_000_000L,
                                true,
                                (int) LocalDate.of(2028, 2, 29).toEpochDay()));
        assertThat(rejectionOf(decoder, "{\"floor\": 3000000000}").message())
                .isEqualTo(
                        "floor: expected a whole number within int range, got a number (3000000000)");
        assertThat(rejectionOf(decoder, "{\"floor\": 2.5}").ruleId()).isEqualTo("type:floor");
        assertThat(rejectionOf(decoder, "{\"readings\": 99999999999999999999}").ruleId())
                .isEqualTo("type:readings");
        assertThat(rejectionOf(decoder, "{\"readings\": 1.0}").ruleId()).isEqualTo("type:readings");
        assertThat(rejectionOf(decoder, "{\"active\": \"true\"}").ruleId())
                .isEqualTo("type:active");
        assertThat(rejectionOf(decoder, "{\"day\": 20261101}").ruleId()).isEqualTo("type:day");
        assertThat(rejectionOf(decoder, "{\"day\": \"2026-02-29\"}").message())
                .isEqualTo("day: '2026-02-29' is not a date (YYYY-MM-DD)");
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        Violation violation =
                rejectionOf("{\"id\": \"evt-1\",\n \"location\": {\"room\": \"r\",,\n \"x\": 1}}");

        assertThat(violation.rule()).isEqualTo(Violation.PARSE);
        assertThat(violation.column()).isNull();
        assertThat(violation.ruleId()).isEqualTo("parse");
        assertThat(violation.message())
                .startsWith("not valid JSON: ")
                .contains("at line 2, column ");
    }

    @Test
    void truncatedJson() {
        Violation violation =
                rejectionOf(
                        "{\"id\": \"evt-1\", \"timestamp\": \"2026-11-01T10:00:00Z\", \"device_id\": ");

        assertThat(violation.rule()).isEqualTo(Violation.PARSE);
        assertThat(violation.message()).contains("end-of-input").contains("at line 1, column ");
    }

    @Test
    void trailingGarbage() {
        Violation garbage = rejectionOf("{\"id\": \"evt-1\"} oops");
        Violation secondObject = rejectionOf("{\"id\": \"evt-1\"}{\"id\": \"evt-2\"}");

        assertThat(garbage.rule()).isEqualTo(Violation.PARSE);
        assertThat(garbage.message()).contains("'oops'").contains("at line 1, column ");
        assertThat(secondObject.rule()).isEqualTo(Violation.PARSE);
        assertThat(secondObject.message())
                .startsWith("unexpected content after the JSON object at column ");
    }

    @Test
    void trailingWhitespaceIsFine() throws Exception {
        assertThat(SensorRows.idOf(decode("  {\"id\": \"evt-1\"} \r\n\t"))).isEqualTo("evt-1");
    }

    @Test
    void emptyInput() {
        DecodeException nullBytes =
                catchThrowableOfType(DecodeException.class, () -> sensors.decode(null));
        Violation empty = rejectionOf("");
        Violation blank = rejectionOf("  \n ");

        assertThat(nullBytes.violation().rule()).isEqualTo(Violation.PARSE);
        assertThat(empty.rule()).isEqualTo(Violation.PARSE);
        assertThat(empty.message()).isEqualTo("empty record (no JSON object)");
        assertThat(blank.rule()).isEqualTo(Violation.PARSE);
        assertThat(blank.message()).isEqualTo("expected a JSON object, got nothing");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[{\"id\": \"evt-1\"}] | an array",
                "\"evt-1\" | a string",
                "42 | a number (42)",
                "null | null",
                "true | a boolean"
            })
    void topLevelMustBeAnObject(String json, String got) {
        Violation violation = rejectionOf(json);

        assertThat(violation.rule()).isEqualTo(Violation.PARSE);
        assertThat(violation.message()).isEqualTo("expected a JSON object, got " + got);
    }

    @Test
    void nonUtf8BytesAreAParseViolation() {
        DecodeException e =
                catchThrowableOfType(
                        DecodeException.class,
                        () ->
                                sensors.decode(
                                        new byte[] {
                                            '{',
                                            '"',
                                            'i',
                                            'd',
                                            '"',
                                            ':',
                                            '"',
                                            (byte) 0xC3,
                                            (byte) 0x28,
                                            '"',
                                            '}'
                                        }));

        assertThat(e.violation().rule()).isEqualTo(Violation.PARSE);
    }

    @Test
    void excessiveNestingIsRejectedNotACrash() {
        String deep = "{\"firmware\": " + "[".repeat(200) + "]".repeat(200) + "}";

        assertThat(rejectionOf(deep).rule()).isEqualTo(Violation.PARSE);
    }

    // --- timestamps ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "2026-11-01T10:15:30Z",
                "2026-11-01T10:15:30z",
                "2026-11-01T10:15:30+01:00",
                "2026-11-01T10:15:30-05:30",
                "2026-11-01T10:15:30+00:00",
                "2026-11-01T10:15:30.1Z",
                "2026-11-01T10:15:30.12Z",
                "2026-11-01T10:15:30.123Z",
                "2026-11-01T10:15:30.1234Z",
                "2026-11-01T10:15:30.12345Z",
                "2026-11-01T10:15:30.123456Z",
                "2026-11-01T10:15:30.1234567Z",
                "2026-11-01T10:15:30.12345678Z",
                "2026-11-01T10:15:30.123456789Z",
                "2026-11-01T10:15:30.999999999+14:00",
                "2028-02-29T00:00:00Z",
                "1969-12-31T23:59:59.5Z",
                "2026-11-01T10:15:30+05:30:15"
            })
    void timestampsWithAZoneOrOffset(String text) throws Exception {
        Instant expected = OffsetDateTime.parse(text).toInstant();

        assertThat(micros(timestampOf(text))).isEqualTo(truncatedMicros(expected));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "2026-11-01 10:15:30Z",
                "2026-11-01 10:15:30.25+01:00",
                "2026-11-01T10:15:30",
                "2026-11-01 10:15:30.123456"
            })
    void timestampsWithASpaceOrWithoutAZoneAreUtc(String text) throws Exception {
        String iso = text.replace(' ', 'T');
        Instant expected =
                iso.endsWith("Z") || iso.matches(".*[+-]\\d\\d:\\d\\d$")
                        ? OffsetDateTime.parse(iso).toInstant()
                        : LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);

        assertThat(micros(timestampOf(text))).isEqualTo(truncatedMicros(expected));
    }

    @Test
    void epochMillisNumbers() throws Exception {
        RowData row = decode("{\"timestamp\": " + Times.millis("2026-11-01T10:01:30.250Z") + "}");
        RowData beforeEpoch = decode("{\"timestamp\": -1500}");

        assertThat(row.getTimestamp(SensorRows.TIMESTAMP, 6))
                .isEqualTo(Times.at("2026-11-01T10:01:30.250Z"));
        assertThat(beforeEpoch.getTimestamp(SensorRows.TIMESTAMP, 6))
                .isEqualTo(Times.at("1969-12-31T23:59:58.500Z"));
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @ValueSource(
            strings = {
                "2026-02-30T10:00:00Z",
                "2026-02-29T10:00:00Z",
                "2026-04-31T10:00:00Z",
                "2026-13-01T10:00:00Z",
                "2026-00-10T10:00:00Z",
                "2026-11-00T10:00:00Z",
                "2026-11-01T24:00:00Z",
                "2026-11-01T10:60:00Z",
                "2026-11-01T10:00:60Z",
                "2026-11-01T10:15:30.1234567891Z",
                "2026-11-01T10:15:30ZZ",
                "2026-11-01T10:15:30 UTC",
                "2026-11-01",
                "2026/11/01 10:15:30",
                "yesterday",
                ""
            })
    void invalidTimestampsAreTypeViolations(String text) {
        Violation violation = rejectionOf("{\"timestamp\": \"" + text + "\"}");

        assertThat(violation.rule()).isEqualTo(Violation.TYPE);
        assertThat(violation.column()).isEqualTo("timestamp");
        assertThat(violation.message())
                .isEqualTo(
                        "timestamp: '"
                                + text
                                + "' is not an ISO-8601 timestamp (e.g. 2026-11-01T10:15:30Z)");
    }

    @Test
    void epochNumbersOutsideTheTimestampRangeAreTypeViolations() {
        long epochNanos = Times.micros("2026-11-01T10:00:00Z") * 1000L;

        Violation violation = rejectionOf("{\"timestamp\": " + epochNanos + "}");

        assertThat(violation.rule()).isEqualTo(Violation.TYPE);
        assertThat(violation.column()).isEqualTo("timestamp");
        assertThat(violation.message())
                .isEqualTo(
                        "timestamp: "
                                + epochNanos
                                + " is out of range for epoch milliseconds (an epoch in micro- or"
                                + " nanoseconds?); write epoch milliseconds or an ISO-8601 timestamp string");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9223372036854776",
                "-9223372036854776",
                "9223372036854775807",
                "99999999999999999999",
                "-99999999999999999999"
            })
    void epochNumbersThatDoNotFitMicrosecondsAreOneLineTypeViolations(String number) {
        Violation violation = rejectionOf("{\"id\": \"evt-1\", \"timestamp\": " + number + "}");

        assertThat(violation.ruleId()).isEqualTo("type:timestamp");
        assertThat(violation.message())
                .startsWith("timestamp: " + number + " is out of range")
                .doesNotContain("\n");
    }

    @Test
    void epochNumbersAtTheEdgeOfMicrosecondsAreRead() throws Exception {
        long largest = Long.MAX_VALUE / 1000L;
        long smallest = Long.MIN_VALUE / 1000L;

        assertThat(
                        micros(
                                decode("{\"timestamp\": " + largest + "}")
                                        .getTimestamp(SensorRows.TIMESTAMP, 6)))
                .isEqualTo(largest * 1000L);
        assertThat(
                        micros(
                                decode("{\"timestamp\": " + smallest + "}")
                                        .getTimestamp(SensorRows.TIMESTAMP, 6)))
                .isEqualTo(smallest * 1000L);
    }

    @Test
    void nanAndInfinitiesAreReadFromTheirStrings() throws Exception {
        RowData row = decode("{\"temperature_c\": \"NaN\", \"humidity_percent\": \"-Infinity\"}");

        assertThat(row.getDouble(SensorRows.TEMPERATURE)).isNaN();
        assertThat(row.getDouble(SensorRows.HUMIDITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(decode("{\"temperature_c\": \"Infinity\"}").getDouble(SensorRows.TEMPERATURE))
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nan", "NAN", "inf", "+Infinity", "infinity", " NaN", "1.5", ""})
    void otherStringsForADoubleAreTypeViolations(String text) {
        Violation violation = rejectionOf("{\"temperature_c\": \"" + text + "\"}");

        assertThat(violation.ruleId()).isEqualTo("type:temperature_c");
        assertThat(violation.message()).isEqualTo("temperature_c: expected a number, got a string");
    }

    @Test
    void nanAndInfinitiesRoundTripThroughTheEncoder() throws Exception {
        JsonRowEncoder encoder = new JsonRowEncoder(SensorRows.TYPE);
        GenericRowData[] rows = {
            reading("evt-1").temperature(Double.NaN).humidity(Double.POSITIVE_INFINITY).build(),
            reading("evt-2").temperature(Double.NEGATIVE_INFINITY).humidity(-0.0).build()
        };

        for (GenericRowData row : rows) {
            assertThat(sensors.decode(encoder.encode(row))).isEqualTo(row);
        }
    }

    @Test
    void eventTimeAtMillisecondPrecisionKeepsTheInstant() throws Exception {
        JsonRowDecoder pipeline = new JsonRowDecoder(SensorRows.PIPELINE_TYPE);

        RowData row =
                pipeline.decode(
                        "{\"id\": \"evt-1\", \"timestamp\": \"2026-11-01T10:01:30.250+01:00\"}"
                                .getBytes(StandardCharsets.UTF_8));

        assertThat(row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond())
                .isEqualTo(Times.millis("2026-11-01T09:01:30.250Z"));
    }

    @Test
    void survivesJavaSerializationLikeAnOperatorField() throws Exception {
        JsonRowDecoder copy = InstantiationUtil.clone(sensors);

        assertThat(
                        SensorRows.idOf(
                                copy.decode(
                                        "{\"id\": \"evt-9\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("evt-9");
        assertThat(copy.rowType()).isEqualTo(SensorRows.TYPE);
    }

    private RowData decodeTimestamp(String text) throws DecodeException {
        return decode("{\"timestamp\": \"" + text + "\"}");
    }

    private TimestampData timestampOf(String text) throws DecodeException {
        return decodeTimestamp(text).getTimestamp(SensorRows.TIMESTAMP, 6);
    }

    private static long micros(TimestampData timestamp) {
        return timestamp.getMillisecond() * 1000L + timestamp.getNanoOfMillisecond() / 1000;
    }

    /** Epoch microseconds, sub-microsecond digits dropped (rounded toward the past). */
    private static long truncatedMicros(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond() * 1_000_000_000L + instant.getNano(), 1000L);
    }

    private static org.apache.flink.table.data.StringData str(String s) {
        return org.apache.flink.table.data.StringData.fromString(s);
    }
}
