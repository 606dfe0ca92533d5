package io.flowbundle.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.parquet.ParquetFormats;
import io.flowbundle.sample.DeviceRegistry;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.local.LocalDataOutputStream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The sensor-hourly-by-building pipeline written independently in DuckDB's SQL: the sensor-hourly
 * oracle, the devices contract's rules, one row per device, the inner join. And the registry the
 * tests read: {@code devices - 2} devices as {@code generate --devices-out} writes them, and two
 * rows that break the devices contract (the last two devices: one on floor 99, one without a
 * building), so those devices' readings join nothing.
 */
public final class DeviceOracle {

    /** The registry as any file writer may write it: every column nullable. */
    private static final RowType LOOSE =
            RowType.of(
                    new LogicalType[] {
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new IntType(),
                        new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    DeviceRegistry.ROW_TYPE.getFieldNames().toArray(String[]::new));

    private DeviceOracle() {}

    /** Writes the registry of {@code devices} devices, two of them breaking the contract. */
    public static void writeRegistry(Path dir, int devices) {
        SampleData.writeDevices(dir, devices - 2, "snappy");
        BulkWriter.Factory<RowData> factory = ParquetFormats.writerFactory(LOOSE, "snappy");
        try (LocalDataOutputStream out =
                new LocalDataOutputStream(dir.resolve("late-additions.parquet").toFile())) {
            BulkWriter<RowData> writer = factory.create(out);
            writer.addElement(
                    GenericRowData.of(
                            StringData.fromString(SensorEventGenerator.deviceId(devices - 2)),
                            StringData.fromString("building-A"),
                            StringData.fromString("room-3"),
                            99,
                            StringData.fromString("th-100")));
            writer.addElement(
                    GenericRowData.of(
                            StringData.fromString(SensorEventGenerator.deviceId(devices - 1)),
                            null,
                            StringData.fromString("room-4"),
                            1,
                            StringData.fromString("th-200")));
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** DuckDB's answer over the events matched by {@code eventsGlob} and the registry. */
    public static String expected(String eventsGlob, Path devices) {
        return "WITH hourly AS ("
                + SensorOracle.expected(eventsGlob)
                + "), registry AS (SELECT DISTINCT ON (device_id) * FROM read_parquet('"
                + devices
                + "/*.parquet') WHERE device_id IS NOT NULL AND building IS NOT NULL"
                + " AND (floor_number IS NULL OR floor_number BETWEEN 0 AND 50)"
                + " AND (model IS NULL OR model IN ('th-100', 'th-200')))"
                + " SELECT r.building, r.floor_number, h.device_id, h.window_start, h.readings,"
                + " h.avg_temp FROM hourly h JOIN registry r USING (device_id)";
    }

    /** Our results in a Parquet folder, as the oracle's columns. */
    public static String results(Path dir) {
        return "SELECT building, floor_number, device_id, window_start, readings, avg_temp FROM "
                + DuckDb.parquet(dir);
    }

    /** Asserts that {@code actual} (a query) has exactly the rows of {@code expected} (a query). */
    public static void assertSameResults(DuckDb duck, String actual, String expected) {
        assertThat(duck.count("SELECT count(*) FROM (" + actual + ")"))
                .as("result rows")
                .isPositive()
                .isEqualTo(duck.count("SELECT count(*) FROM (" + expected + ")"));
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM ("
                                        + actual
                                        + ") o FULL OUTER JOIN ("
                                        + expected
                                        + ") r USING (device_id, window_start)"
                                        + " WHERE o.readings IS DISTINCT FROM r.readings"
                                        + " OR o.building IS DISTINCT FROM r.building"
                                        + " OR o.floor_number IS DISTINCT FROM r.floor_number"
                                        + " OR abs(o.avg_temp - r.avg_temp) > 1e-9"
                                        + " OR (o.avg_temp IS NULL) <> (r.avg_temp IS NULL)"))
                .as("rows that differ")
                .isZero();
    }
}
