package io.flowbundle.testing;

import java.time.Instant;
import org.apache.flink.table.data.TimestampData;

/** Readable instants for test data: {@code at("2026-11-01T10:01:30Z")} instead of magic longs. */
public final class Times {

    private Times() {}

    public static Instant instant(String iso) {
        return Instant.parse(iso);
    }

    /** Epoch milliseconds of an ISO-8601 instant. */
    public static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    /** Epoch microseconds of an ISO-8601 instant. */
    public static long micros(String iso) {
        Instant instant = Instant.parse(iso);
        return Math.addExact(
                Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /** The instant as Flink's timestamp data (UTC wall-clock time). */
    public static TimestampData at(String iso) {
        return TimestampData.fromInstant(Instant.parse(iso));
    }
}
