package io.flowbundle.sample;

import io.flowbundle.operators.JsonRowEncoder;
import io.flowbundle.operators.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * Deterministic sensor events for demos, tests and benchmarks: the same seed and settings give the
 * same events, in the same arrival order, every time.
 *
 * <p>Events arrive in time order spread evenly over {@code days} days, each with a little jitter
 * (out of order by at most {@code maxJitterMillis}). Fractions of them are, independently:
 *
 * <ul>
 *   <li>duplicates: an exact copy of the valid event just before it (a producer retry), so a
 *       duplicate is never later than its original by more than the jitter;
 *   <li>invalid: a reading that breaks the contract (temperature out of range, or no device id); in
 *       JSON, also text that is not JSON or a value of the wrong type;
 *   <li>late: stamped {@code lateByMillis} before its arrival, far behind any watermark.
 * </ul>
 *
 * <p>Rows have the columns of {@code conf/contracts/sensor_events.yaml}, in its order.
 */
public final class SensorEventGenerator {

    public static final RowType LOCATION_TYPE =
            RowType.of(new LogicalType[] {string(), string()}, new String[] {"room", "building"});

    public static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {
                        string(),
                        string(),
                        new TimestampType(true, 6),
                        string(),
                        new DoubleType(true),
                        new DoubleType(true),
                        LOCATION_TYPE
                    },
                    new String[] {
                        "id",
                        "type",
                        "timestamp",
                        "device_id",
                        "temperature_c",
                        "humidity_percent",
                        "location"
                    });

    /** What an event is, so tests know what to expect of it. */
    public enum Kind {
        VALID,
        DUPLICATE,
        INVALID,
        MALFORMED,
        LATE
    }

    /**
     * One generated event: its row (null if malformed), its JSON text (null when the generator was
     * made without JSON), and what it is.
     */
    public record Event(
            Kind kind, RowData row, byte[] json, String deviceId, long timestampMillis) {}

    /** Settings; {@link #defaults()} then the withers. */
    public record Settings(
            long seed,
            long events,
            LocalDate start,
            int days,
            int devices,
            double duplicates,
            double invalid,
            double late,
            long maxJitterMillis,
            long lateByMillis,
            boolean malformedJson) {

        public static Settings defaults() {
            return new Settings(
                    42L,
                    100_000L,
                    LocalDate.of(2026, 11, 1),
                    2,
                    20,
                    0.02,
                    0.01,
                    0.0,
                    5_000L,
                    3_600_000L,
                    false);
        }

        public Settings withSeed(long value) {
            return new Settings(
                    value,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withEvents(long value) {
            return new Settings(
                    seed,
                    value,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withStart(LocalDate value) {
            return new Settings(
                    seed,
                    events,
                    value,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withDays(int value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    value,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withDevices(int value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    value,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withDuplicates(double value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    value,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withInvalid(double value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    value,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withLate(double value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    value,
                    maxJitterMillis,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withMaxJitterMillis(long value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    value,
                    lateByMillis,
                    malformedJson);
        }

        public Settings withLateByMillis(long value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    value,
                    malformedJson);
        }

        /** Whether invalid events may also be broken JSON (only for JSON output). */
        public Settings withMalformedJson(boolean value) {
            return new Settings(
                    seed,
                    events,
                    start,
                    days,
                    devices,
                    duplicates,
                    invalid,
                    late,
                    maxJitterMillis,
                    lateByMillis,
                    value);
        }
    }

    private final Settings settings;
    private final SplittableRandom random;
    private final JsonRowEncoder encoder = new JsonRowEncoder(ROW_TYPE);
    private Event lastValid;
    private final boolean withJson;
    private final String idPrefix;
    private final StringBuilder idBuilder = new StringBuilder(32);
    private final long startMillis;
    private final double stepMillis;
    private static final StringData READING = StringData.fromString("reading");

    private final String[] deviceIds;
    private final StringData[] deviceStrings;
    private final RowData[] locations;
    private long emitted;
    private long sequence;

    public SensorEventGenerator(Settings settings) {
        this(settings, true);
    }

    /**
     * @param withJson whether events carry their JSON text (Parquet output does not need it, and
     *     encoding costs more than generating)
     */
    public SensorEventGenerator(Settings settings, boolean withJson) {
        this.settings = settings;
        this.withJson = withJson;
        this.idPrefix = "evt-" + settings.seed() + "-";
        this.random = new SplittableRandom(settings.seed());
        this.startMillis = settings.start().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        this.stepMillis = settings.days() * 86_400_000.0 / Math.max(1, settings.events());
        this.deviceIds = new String[settings.devices()];
        this.deviceStrings = new StringData[deviceIds.length];
        this.locations = new RowData[deviceIds.length];
        for (int i = 0; i < deviceIds.length; i++) {
            deviceIds[i] = deviceId(i);
            deviceStrings[i] = StringData.fromString(deviceIds[i]);
            locations[i] =
                    GenericRowData.of(
                            StringData.fromString(room(i)), StringData.fromString(building(i)));
        }
    }

    /** The id of device {@code i}; {@link DeviceRegistry} lists the same devices. */
    public static String deviceId(int i) {
        return String.format("device-%03d", i);
    }

    /** The room device {@code i} reports from. */
    public static String room(int i) {
        return "room-" + (i % 8 + 1);
    }

    /** The building device {@code i} reports from. */
    public static String building(int i) {
        return "building-" + (char) ('A' + i % 3);
    }

    public boolean hasNext() {
        return emitted < settings.events();
    }

    public Event next() {
        emitted++;
        long arrival = startMillis + (long) (emitted * stepMillis);
        if (lastValid != null && random.nextDouble() < settings.duplicates()) {
            Event original = lastValid;
            return new Event(
                    Kind.DUPLICATE,
                    original.row(),
                    original.json(),
                    original.deviceId(),
                    original.timestampMillis());
        }
        int device = random.nextInt(deviceIds.length);
        String deviceId = deviceIds[device];
        boolean late = random.nextDouble() < settings.late();
        long timestamp =
                late
                        ? arrival - settings.lateByMillis()
                        : arrival
                                - (settings.maxJitterMillis() == 0
                                        ? 0
                                        : random.nextLong(settings.maxJitterMillis() + 1));
        double temperature =
                Math.round((21.0 + random.nextDouble() * 8.0 - 4.0 + device % 5) * 100) / 100.0;
        double humidity = Math.round((35.0 + random.nextDouble() * 30.0) * 10) / 10.0;
        String id = nextId();
        Kind kind = late ? Kind.LATE : Kind.VALID;

        if (random.nextDouble() < settings.invalid()) {
            int flavour = random.nextInt(settings.malformedJson() ? 4 : 2);
            switch (flavour) {
                case 0:
                    temperature = 150.0 + random.nextInt(100);
                    kind = Kind.INVALID;
                    break;
                case 1:
                    deviceId = null;
                    kind = Kind.INVALID;
                    break;
                case 2:
                    byte[] broken =
                            ("{\"id\": \""
                                            + id
                                            + "\", \"timestamp\": \""
                                            + Instant.ofEpochMilli(timestamp)
                                            + "\", \"device_id\": ")
                                    .getBytes(StandardCharsets.UTF_8);
                    return remember(
                            new Event(Kind.MALFORMED, null, broken, deviceIds[device], timestamp),
                            false);
                default:
                    byte[] wrongType =
                            ("{\"id\": \""
                                            + id
                                            + "\", \"type\": \"reading\", \"timestamp\": \""
                                            + Instant.ofEpochMilli(timestamp)
                                            + "\", \"device_id\": \""
                                            + deviceIds[device]
                                            + "\", \"temperature_c\": \"warm\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    return remember(
                            new Event(
                                    Kind.MALFORMED, null, wrongType, deviceIds[device], timestamp),
                            false);
            }
        }
        GenericRowData row =
                GenericRowData.of(
                        StringData.fromString(id),
                        READING,
                        TimestampData.fromEpochMillis(timestamp),
                        deviceId == null ? null : deviceStrings[device],
                        temperature,
                        humidity,
                        locations[device]);
        byte[] json = withJson ? encoder.encode(row) : null;
        return remember(
                new Event(
                        kind,
                        row,
                        json,
                        deviceId == null ? deviceIds[device] : deviceId,
                        timestamp),
                kind == Kind.VALID);
    }

    /** {@code evt-<seed>-<sequence, 10 digits>}, without String.format's cost. */
    private String nextId() {
        String digits = Long.toString(sequence++);
        idBuilder.setLength(0);
        idBuilder.append(idPrefix);
        for (int i = digits.length(); i < 10; i++) {
            idBuilder.append('0');
        }
        return idBuilder.append(digits).toString();
    }

    private Event remember(Event event, boolean mayRepeat) {
        lastValid = mayRepeat ? event : null;
        return event;
    }

    /** The UTC date of an event's timestamp, for Hive partitions. */
    public static LocalDate dateOf(long timestampMillis) {
        return LocalDate.ofEpochDay(Timestamps.epochDay(timestampMillis));
    }

    private static VarCharType string() {
        return new VarCharType(true, VarCharType.MAX_LENGTH);
    }
}
