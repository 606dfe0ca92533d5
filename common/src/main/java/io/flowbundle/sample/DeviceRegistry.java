package io.flowbundle.sample;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The device registry that goes with generated sensor events (contract
 * conf/contracts/devices.yaml): one row per device id the generator uses, in the building and room
 * its readings report, with a floor_number and a model. The dimension of the example joins
 * (sensor-hourly-by-building).
 */
public final class DeviceRegistry {

    public static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {
                        new VarCharType(false, VarCharType.MAX_LENGTH),
                        new VarCharType(false, VarCharType.MAX_LENGTH),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new IntType(),
                        new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"device_id", "building", "room", "floor_number", "model"});

    private DeviceRegistry() {}

    /** The registry of {@code devices} devices, {@code device-000} first. */
    public static List<RowData> rows(int devices) {
        List<RowData> rows = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            rows.add(
                    GenericRowData.of(
                            StringData.fromString(SensorEventGenerator.deviceId(i)),
                            StringData.fromString(SensorEventGenerator.building(i)),
                            StringData.fromString(SensorEventGenerator.room(i)),
                            i % 4,
                            StringData.fromString(i % 2 == 0 ? "th-100" : "th-200")));
        }
        return rows;
    }
}
