package io.flowbundle.testing;

import io.flowbundle.contract.Contract;
import io.flowbundle.contract.ContractLoader;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Rows of the sample contract {@code sensor_events} (id, type, timestamp, device_id, temperature_c,
 * humidity_percent, location{room, building}), built by name:
 *
 * <pre>
 * SensorRows.reading("evt-1").at("2026-11-01T10:01:30Z").temperature(21.5).build()
 * </pre>
 *
 * Unset fields take plausible valid defaults, so a test names only what it is about.
 */
public final class SensorRows {

    public static final int ID = 0;
    public static final int TYPE_FIELD = 1;
    public static final int TIMESTAMP = 2;
    public static final int DEVICE_ID = 3;
    public static final int TEMPERATURE = 4;
    public static final int HUMIDITY = 5;
    public static final int LOCATION = 6;

    /**
     * The sample contract as the project declares it ({@code conf/contracts/sensor_events.yaml}).
     */
    private static final Contract CONTRACT =
            ContractLoader.load(Checkout.conf("contracts/sensor_events.yaml"));

    /** The contract's row type as stored (event time with microseconds). */
    public static final RowType TYPE = CONTRACT.rowType();

    /** The row type inside a pipeline: event time at millisecond precision (Flink's rowtime). */
    public static final RowType PIPELINE_TYPE = CONTRACT.rowType("timestamp");

    public static final RowType LOCATION_TYPE = (RowType) TYPE.getTypeAt(LOCATION);

    private SensorRows() {}

    /** The sample contract, read from the project's {@code conf/contracts}. */
    public static Contract contract() {
        return CONTRACT;
    }

    public static Builder reading(String id) {
        return new Builder(id);
    }

    /** The value of {@code id} of a sensor row. */
    public static String idOf(RowData row) {
        return row.getString(ID).toString();
    }

    /** A sensor row under construction. */
    public static final class Builder {
        private final String id;
        private String type = "reading";
        private String at = "2026-11-01T10:00:00Z";
        private String deviceId = "device-001";
        private Double temperature = 21.5;
        private Double humidity = 40.0;
        private boolean hasLocation = true;
        private String room = "room-1";
        private String building = "building-A";

        private Builder(String id) {
            this.id = id;
        }

        public Builder type(String value) {
            type = value;
            return this;
        }

        /** The event time, as an ISO-8601 instant. */
        public Builder at(String iso) {
            at = iso;
            return this;
        }

        public Builder noTimestamp() {
            at = null;
            return this;
        }

        public Builder device(String value) {
            deviceId = value;
            return this;
        }

        public Builder noDevice() {
            deviceId = null;
            return this;
        }

        public Builder temperature(Double value) {
            temperature = value;
            return this;
        }

        public Builder humidity(Double value) {
            humidity = value;
            return this;
        }

        public Builder location(String newRoom, String newBuilding) {
            hasLocation = true;
            room = newRoom;
            building = newBuilding;
            return this;
        }

        public Builder noLocation() {
            hasLocation = false;
            return this;
        }

        public GenericRowData build() {
            return GenericRowData.of(
                    str(id),
                    str(type),
                    at == null ? null : Times.at(at),
                    str(deviceId),
                    temperature,
                    humidity,
                    hasLocation ? GenericRowData.of(str(room), str(building)) : null);
        }

        private static StringData str(String value) {
            return value == null ? null : StringData.fromString(value);
        }
    }
}
