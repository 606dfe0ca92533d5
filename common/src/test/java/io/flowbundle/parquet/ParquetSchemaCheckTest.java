package io.flowbundle.parquet;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.contract.Contract;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.ParquetFiles;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetSchemaCheckTest {

    @TempDir Path dir;

    private Contract contract;
    private Path source;
    private SampleData.Counts written;

    @BeforeEach
    void writeSampleEvents() {
        contract = SensorRows.contract();
        source = dir.resolve("sensor-events");
        written =
                SampleData.writeParquet(
                        source,
                        SensorEventGenerator.Settings.defaults()
                                .withEvents(300)
                                .withStart(LocalDate.of(2026, 11, 1))
                                .withDays(2),
                        "snappy");
    }

    @Test
    void sampleFilesPassAndAreCounted() throws IOException {
        List<Path> files = ParquetInputs.list(source, "date", null);

        ParquetSchemaCheck.Stats stats = ParquetSchemaCheck.check(files, contract);

        assertThat(stats.files()).isEqualTo(files.size());
        assertThat(stats.rows()).isEqualTo(written.total());
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        assertThat(stats.bytes()).isEqualTo(bytes);
    }

    @Test
    void aMissingOptionalColumnIsFine() {
        Path file = write("old.parquet", without("humidity_percent"));

        assertThat(ParquetSchemaCheck.check(List.of(file), contract).rows()).isEqualTo(1);
    }

    @Test
    void aMissingRequiredColumnNamesFileAndColumn() {
        Path file = write("no-device.parquet", without("device_id"));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(file), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessage(
                        file
                                + ": column 'device_id' is missing; contract sensor_events requires it (the"
                                + " file has: id, type, timestamp, temperature_c, humidity_percent, location)");
    }

    @Test
    void aColumnOfTheWrongTypeNamesFileColumnAndBothTypes() {
        Path file =
                write(
                        "warm.parquet",
                        replacing("temperature_c", new VarCharType(VarCharType.MAX_LENGTH)));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(file), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(file + ": column 'temperature_c' is binary")
                .hasMessageEndingWith("in the file, but contract sensor_events says double");
    }

    @Test
    void aNestedFieldOfTheWrongTypeNamesTheDottedPath() {
        RowType badLocation =
                RowType.of(
                        new LogicalType[] {new IntType(), new VarCharType(VarCharType.MAX_LENGTH)},
                        new String[] {"room", "building"});
        Path file = write("rooms.parquet", replacing("location", badLocation));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(file), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(file + ": column 'location.room' is int32")
                .hasMessageEndingWith("but contract sensor_events says string");
    }

    @Test
    void aScalarWhereANestedRowBelongs() {
        Path file =
                write(
                        "flat-location.parquet",
                        replacing("location", new VarCharType(VarCharType.MAX_LENGTH)));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(file), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(file + ": column 'location' is binary")
                .hasMessageEndingWith("says {room: string, building: string}");
    }

    @Test
    void epochNumbersAreNotTimestamps() {
        Path file = write("epoch.parquet", replacing("timestamp", new BigIntType()));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(file), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(file + ": column 'timestamp' is int64")
                .hasMessageEndingWith("says timestamp");
    }

    @Test
    void millisecondTimestampsAreReadableAsTimestamps() {
        Path file = write("millis.parquet", replacing("timestamp", new TimestampType(3)));

        assertThat(ParquetSchemaCheck.check(List.of(file), contract).files()).isEqualTo(1);
    }

    @Test
    void garbageBytesAreNotAParquetFile() throws IOException {
        Path garbage = source.resolve("date=2026-11-01/garbage.parquet");
        Files.writeString(garbage, "this is not a parquet file, just text pretending to be one");

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(garbage), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(garbage + ": not a readable Parquet file (")
                .hasMessageEndingWith("); move it out of the source folder or replace it")
                .hasMessageNotContaining("InputFile@");
    }

    @Test
    void aTruncatedFileIsNamedEvenAmongGoodOnes() {
        List<Path> good = ParquetInputs.list(source, "date", null);
        Path truncated =
                ParquetFiles.truncatedCopy(
                        good.get(0), source.resolve("date=2026-11-01/part-crashed.parquet"), 0.6);
        List<Path> all = new ArrayList<>(good);
        all.add(1, truncated);

        assertThatThrownBy(() -> ParquetSchemaCheck.check(all, contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(truncated + ": not a readable Parquet file")
                .hasMessageNotContaining("InputFile@");
    }

    @Test
    void anEmptyFileIsNotAParquetFile() throws IOException {
        Path empty = Files.createFile(source.resolve("empty.parquet"));

        assertThatThrownBy(() -> ParquetSchemaCheck.check(List.of(empty), contract))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(empty + ": not a readable Parquet file");
    }

    // --- files with a different row type, written through ParquetFormats ---

    /** The sensor row type without {@code column}, and one row of it. */
    private static Variant without(String column) {
        return replacing(column, null);
    }

    /**
     * The sensor row type with {@code column} of another type (null: dropped), and one row of it.
     */
    private static Variant replacing(String column, LogicalType newType) {
        List<RowType.RowField> fields = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        GenericRowData sample = reading("evt-1").at("2026-11-01T10:01:30Z").build();
        for (int i = 0; i < SensorRows.TYPE.getFieldCount(); i++) {
            RowType.RowField field = SensorRows.TYPE.getFields().get(i);
            if (!field.getName().equals(column)) {
                fields.add(field);
                values.add(sample.getField(i));
            } else if (newType != null) {
                fields.add(new RowType.RowField(column, newType));
                values.add(valueOf(newType));
            }
        }
        return new Variant(new RowType(fields), GenericRowData.of(values.toArray()));
    }

    private static Object valueOf(LogicalType type) {
        switch (type.getTypeRoot()) {
            case VARCHAR:
                return StringData.fromString("warm");
            case BIGINT:
                return Times.millis("2026-11-01T10:01:30Z");
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return Times.at("2026-11-01T10:01:30Z");
            case DOUBLE:
                return 1.0;
            case ROW:
                return GenericRowData.of(3, StringData.fromString("building-A"));
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    private record Variant(RowType type, GenericRowData row) {}

    private Path write(String name, Variant variant) {
        return ParquetFiles.write(
                dir.resolve("variants").resolve(name), variant.type(), List.of(variant.row()));
    }
}
