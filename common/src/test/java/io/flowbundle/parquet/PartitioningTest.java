package io.flowbundle.parquet;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.config.ConfigException;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitioningTest {

    private static final String WHERE = "sink.partition_by";

    /** The result of the sample transform (SELECT device_id, window_start, window_end, ...). */
    private static final RowType HOURLY =
            RowType.of(
                    new LogicalType[] {
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new TimestampType(3),
                        new TimestampType(3),
                        new BigIntType(),
                        new DoubleType()
                    },
                    new String[] {
                        "device_id", "window_start", "window_end", "readings", "avg_temp"
                    });

    private static GenericRowData hourly(String device, String windowStart, String windowEnd) {
        return GenericRowData.of(
                device == null ? null : StringData.fromString(device),
                Times.at(windowStart),
                Times.at(windowEnd),
                12L,
                21.5);
    }

    @Test
    void windowDateIsDerivedFromWindowStart() {
        Partitioning partitioning = Partitioning.of(HOURLY, List.of("window_date"), null, WHERE);

        assertThat(partitioning.isPartitioned()).isTrue();
        assertThat(partitioning.isDatePartitioned()).isTrue();
        assertThat(partitioning.keyNames()).containsExactly("window_date");
        assertThat(partitioning.writtenType()).as("derived columns drop nothing").isEqualTo(HOURLY);
        assertThat(
                        partitioning.partitionPath(
                                hourly(
                                        "device-001",
                                        "2026-11-01T23:00:00Z",
                                        "2026-11-02T00:00:00Z")))
                .as("the window's start, not its end, picks the date")
                .isEqualTo("window_date=2026-11-01");
    }

    @ParameterizedTest(name = "{0} is on {1}")
    @CsvSource({
        "2026-11-01T00:00:00Z, 2026-11-01",
        "2026-11-01T23:59:59.999Z, 2026-11-01",
        "2026-11-02T00:00:00Z, 2026-11-02",
        "1969-12-31T23:30:00Z, 1969-12-31",
        "2028-02-29T12:00:00Z, 2028-02-29"
    })
    void derivedDatesAreUtcDates(String windowStart, String date) {
        Partitioning partitioning = Partitioning.of(HOURLY, List.of("window_date"), null, WHERE);

        assertThat(partitioning.partitionPath(hourly("d", windowStart, windowStart)))
                .isEqualTo("window_date=" + LocalDate.parse(date));
    }

    @Test
    void dateIsDerivedFromTheEventTimeColumn() {
        Partitioning partitioning =
                Partitioning.of(
                        SensorRows.PIPELINE_TYPE,
                        List.of("date"),
                        "timestamp",
                        "staging.partition_by");

        assertThat(partitioning.partitionPath(reading("evt-1").at("2026-11-01T10:01:30Z").build()))
                .isEqualTo("date=2026-11-01");
        assertThat(partitioning.writtenType()).isEqualTo(SensorRows.PIPELINE_TYPE);
        assertThat(partitioning.isDatePartitioned()).isTrue();
    }

    @Test
    void columnDateIsDerivedFromTheColumnItself() {
        Partitioning partitioning =
                Partitioning.of(SensorRows.TYPE, List.of("timestamp_date"), null, WHERE);

        assertThat(partitioning.partitionPath(reading("evt-1").at("2026-11-03T00:00:00Z").build()))
                .isEqualTo("timestamp_date=2026-11-03");
    }

    @Test
    void physicalPartitionColumnsGoIntoThePathAndOutOfTheFiles() {
        Partitioning partitioning = Partitioning.of(HOURLY, List.of("device_id"), null, WHERE);
        GenericRowData row = hourly("device-001", "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z");

        assertThat(partitioning.partitionPath(row)).isEqualTo("device_id=device-001");
        assertThat(partitioning.isDatePartitioned()).isFalse();
        assertThat(partitioning.writtenType().getFieldNames())
                .containsExactly("window_start", "window_end", "readings", "avg_temp");
        RowData written = partitioning.projection().replaceRow(row);
        assertThat(written.getArity()).isEqualTo(4);
        assertThat(written.getTimestamp(0, 3)).isEqualTo(Times.at("2026-11-01T10:00:00Z"));
        assertThat(written.getLong(2)).isEqualTo(12L);
    }

    @Test
    void severalPartitionColumnsNestInTheGivenOrder() {
        Partitioning partitioning =
                Partitioning.of(HOURLY, List.of("window_date", "device_id"), null, WHERE);

        assertThat(
                        partitioning.partitionPath(
                                hourly(
                                        "device-001",
                                        "2026-11-01T10:00:00Z",
                                        "2026-11-01T11:00:00Z")))
                .isEqualTo("window_date=2026-11-01/device_id=device-001");
        assertThat(partitioning.isDatePartitioned()).as("a date alone names a partition").isFalse();
        assertThat(partitioning.writtenType().getFieldNames())
                .doesNotContain("device_id")
                .contains("window_start");
    }

    @Test
    void physicalDateColumnIsWrittenAsIsoDate() {
        RowType type =
                RowType.of(
                        new LogicalType[] {new DateType(), new BigIntType()},
                        new String[] {"day", "readings"});
        Partitioning partitioning = Partitioning.of(type, List.of("day"), null, WHERE);

        assertThat(
                        partitioning.partitionPath(
                                GenericRowData.of(
                                        (int) LocalDate.of(2026, 11, 1).toEpochDay(), 3L)))
                .isEqualTo("day=2026-11-01");
        assertThat(partitioning.isDatePartitioned()).isTrue();
    }

    @Test
    void nullValuesGoToHivesDefaultPartition() {
        Partitioning partitioning = Partitioning.of(HOURLY, List.of("device_id"), null, WHERE);

        assertThat(
                        partitioning.partitionPath(
                                hourly(null, "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z")))
                .isEqualTo("device_id=__HIVE_DEFAULT_PARTITION__");
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "device-001            | device-001",
                "a/b                   | a%2Fb",
                "x:y=z                 | x%3Ay%3Dz",
                "50%                   | 50%25",
                "room #1?              | room %231%3F",
                "`it's \"quoted\"`     | it%27s %22quoted%22",
                "back\\slash           | back%5Cslash",
                "`{[*^]}`              | %7B%5B%2A%5E%5D}",
                "Büro ☃                | Büro ☃"
            })
    void partitionValuesAreEscapedLikeHive(String value, String escaped) {
        Partitioning partitioning = Partitioning.of(HOURLY, List.of("device_id"), null, WHERE);

        assertThat(
                        partitioning.partitionPath(
                                hourly(value, "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z")))
                .isEqualTo("device_id=" + escaped);
    }

    @Test
    void controlCharactersAreEscaped() {
        assertThat(Partitioning.escape("a\nb\tc\u007F")).isEqualTo("a%0Ab%09c%7F");
    }

    @Test
    void unpartitioned() {
        Partitioning none = Partitioning.none(HOURLY);

        assertThat(none.isPartitioned()).isFalse();
        assertThat(none.isDatePartitioned()).isFalse();
        assertThat(none.keyNames()).isEmpty();
        assertThat(none.writtenType()).isEqualTo(HOURLY);
        assertThat(none.partitionPath(hourly("d", "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z")))
                .isEmpty();
        assertThat(Partitioning.of(HOURLY, List.of(), null, WHERE).isPartitioned()).isFalse();
    }

    @Test
    void binaryRowsAreReadWithTheColumnsPrecision() {
        RowType micros =
                RowType.of(
                        new LogicalType[] {new TimestampType(6), new BigIntType()},
                        new String[] {"window_start", "readings"});
        RowData binary =
                new RowDataSerializer(micros)
                        .toBinaryRow(GenericRowData.of(Times.at("2026-11-01T23:59:59.999999Z"), 1L))
                        .copy();

        assertThat(
                        Partitioning.of(micros, List.of("window_date"), null, WHERE)
                                .partitionPath(binary))
                .isEqualTo("window_date=2026-11-01");
    }

    @Test
    void localZonedTimestampsWithMicrosecondsAreReadWithTheirPrecision() {
        RowType ltz =
                RowType.of(
                        new LogicalType[] {new LocalZonedTimestampType(6), new BigIntType()},
                        new String[] {"window_start", "readings"});
        RowData binary =
                new RowDataSerializer(ltz)
                        .toBinaryRow(GenericRowData.of(Times.at("2026-11-01T10:00:00.123456Z"), 1L))
                        .copy();

        assertThat(Partitioning.of(ltz, List.of("window_date"), null, WHERE).partitionPath(binary))
                .isEqualTo("window_date=2026-11-01");
    }

    // --- errors ---

    @Test
    void underivableColumnIsAClearError() {
        assertThatThrownBy(() -> Partitioning.of(HOURLY, List.of("region"), null, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        WHERE + ": partition column 'region' is not a column of the rows")
                .hasMessageContaining("(device_id, window_start, window_end, readings, avg_temp)")
                .hasMessageContaining("add it to the SELECT")
                .hasMessageContaining("date, <column>_date");
    }

    @Test
    void dateNeedsAnEventTimeColumn() {
        assertThatThrownBy(() -> Partitioning.of(HOURLY, List.of("date"), null, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partition column 'date'");
    }

    @Test
    void aDateOfANonTimestampColumnCannotBeDerived() {
        assertThatThrownBy(() -> Partitioning.of(HOURLY, List.of("device_id_date"), null, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partition column 'device_id_date'");
        assertThatThrownBy(() -> Partitioning.of(HOURLY, List.of("date"), "device_id", WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partition column 'date'");
    }

    @Test
    void nestedColumnsCannotPartition() {
        assertThatThrownBy(
                        () ->
                                Partitioning.of(
                                        SensorRows.TYPE, List.of("location"), "timestamp", WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessage(WHERE + ": cannot partition by nested column 'location'");
    }

    @Test
    void partitioningByEveryColumnLeavesNothingToWrite() {
        RowType one =
                RowType.of(new LogicalType[] {new VarCharType(10)}, new String[] {"device_id"});

        assertThatThrownBy(() -> Partitioning.of(one, List.of("device_id"), null, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("every column is a partition column");
    }
}
