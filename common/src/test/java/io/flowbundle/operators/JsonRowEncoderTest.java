package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class JsonRowEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonRowEncoder sensors = new JsonRowEncoder(SensorRows.TYPE);

    @Test
    void writesASensorRowAsAJsonObject() throws Exception {
        JsonNode json =
                JSON.readTree(
                        sensors.encode(
                                reading("evt-1")
                                        .at("2026-11-01T10:01:30Z")
                                        .device("device-007")
                                        .temperature(21.5)
                                        .humidity(null)
                                        .location("room-3", "building-B")
                                        .build()));

        assertThat(json.get("id").asText()).isEqualTo("evt-1");
        assertThat(json.get("type").asText()).isEqualTo("reading");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-01T10:01:30Z");
        assertThat(json.get("device_id").asText()).isEqualTo("device-007");
        assertThat(json.get("temperature_c").isNumber()).isTrue();
        assertThat(json.get("temperature_c").asDouble()).isEqualTo(21.5);
        assertThat(json.get("humidity_percent").isNull()).isTrue();
        assertThat(json.get("location").get("room").asText()).isEqualTo("room-3");
        assertThat(json.get("location").get("building").asText()).isEqualTo("building-B");
    }

    @Test
    void fieldsAreWrittenInRowOrderAndNullsAreKept() throws Exception {
        JsonNode json =
                JSON.readTree(sensors.encode(reading("evt-1").noLocation().noDevice().build()));

        assertThat(json.fieldNames())
                .toIterable()
                .containsExactlyElementsOf(SensorRows.TYPE.getFieldNames());
        assertThat(json.get("location").isNull()).isTrue();
        assertThat(json.get("device_id").isNull()).isTrue();
    }

    @Test
    void timestampsUseAsFewFractionDigitsAsExact() throws Exception {
        assertThat(timestampText("2026-11-01T10:01:30Z")).isEqualTo("2026-11-01T10:01:30Z");
        assertThat(timestampText("2026-11-01T10:01:30.5Z")).isEqualTo("2026-11-01T10:01:30.500Z");
        assertThat(timestampText("2026-11-01T10:01:30.000250Z"))
                .isEqualTo("2026-11-01T10:01:30.000250Z");
    }

    @Test
    void otherScalarTypes() throws Exception {
        RowType type =
                RowType.of(
                        new LogicalType[] {
                            new IntType(),
                            new BigIntType(),
                            new BooleanType(),
                            new DateType(),
                            new TimestampType(3),
                            new LocalZonedTimestampType(6)
                        },
                        new String[] {
                            "floor", "readings", "active", "day", "window_start", "seen_at"
                        });
        JsonRowEncoder encoder = new JsonRowEncoder(type);

        JsonNode json =
                JSON.readTree(
                        encoder.encode(
                                GenericRowData.of(
                                        -2,
                                        9_000_000_000L,
                                        false,
                                        (int) LocalDate.of(2028, 2, 29).toEpochDay(),
                                        Times.at("2026-11-01T10:00:00Z"),
                                        Times.at("2026-11-01T10:00:00.123456Z"))));

        assertThat(json.get("floor").asInt()).isEqualTo(-2);
        assertThat(json.get("readings").asLong()).isEqualTo(9_000_000_000L);
        assertThat(json.get("active").isBoolean()).isTrue();
        assertThat(json.get("active").asBoolean()).isFalse();
        assertThat(json.get("day").asText()).isEqualTo("2028-02-29");
        assertThat(json.get("window_start").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(json.get("seen_at").asText()).isEqualTo("2026-11-01T10:00:00.123456Z");
    }

    @Test
    void nanAndInfinitiesAreWrittenAsStrings() throws Exception {
        JsonNode json =
                JSON.readTree(
                        sensors.encode(
                                reading("evt-1")
                                        .temperature(Double.NaN)
                                        .humidity(Double.NEGATIVE_INFINITY)
                                        .build()));
        JsonNode hot =
                JSON.readTree(
                        sensors.encode(
                                reading("evt-2").temperature(Double.POSITIVE_INFINITY).build()));

        assertThat(json.get("temperature_c").isTextual()).isTrue();
        assertThat(json.get("temperature_c").asText()).isEqualTo("NaN");
        assertThat(json.get("humidity_percent").asText()).isEqualTo("-Infinity");
        assertThat(hot.get("temperature_c").asText()).isEqualTo("Infinity");
    }

    @Test
    void stringsAreEscaped() throws Exception {
        String awkward = "quote \" backslash \\ newline \n tab \t snowman ☃";

        JsonNode json = JSON.readTree(sensors.encode(reading(awkward).build()));

        assertThat(json.get("id").asText()).isEqualTo(awkward);
    }

    @Test
    void outputIsUtf8AndEncodeToStringAgrees() {
        GenericRowData row = reading("Büro-☃").build();

        assertThat(sensors.encodeToString(row))
                .isEqualTo(new String(sensors.encode(row), StandardCharsets.UTF_8))
                .contains("Büro-☃");
    }

    @Test
    void eachResultIsAFreshArray() {
        byte[] first = sensors.encode(reading("evt-1").build());
        byte[] copyOfFirst = first.clone();

        sensors.encode(reading("evt-2-with-a-much-longer-id").build());

        assertThat(first).isEqualTo(copyOfFirst);
    }

    @Test
    void survivesJavaSerializationLikeAnOperatorField() throws Exception {
        sensors.encode(reading("warm-up").build());
        JsonRowEncoder copy = InstantiationUtil.clone(sensors);

        assertThat(copy.encodeToString(reading("evt-1").build()))
                .isEqualTo(sensors.encodeToString(reading("evt-1").build()));
    }

    @Test
    void encodedRowsAreOneLine() {
        List<GenericRowData> rows =
                List.of(
                        reading("a").build(),
                        reading("b").noLocation().build(),
                        reading("multi\nline").build());

        assertThat(rows)
                .allSatisfy(row -> assertThat(sensors.encodeToString(row)).doesNotContain("\n"));
    }

    private String timestampText(String iso) throws Exception {
        return JSON.readTree(sensors.encode(reading("evt").at(iso).build()))
                .get("timestamp")
                .asText();
    }
}
