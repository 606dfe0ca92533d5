package io.flowbundle.operators;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.flink.table.data.TimestampData;

/**
 * UTC timestamps as text. Event time is decoded on the hot path, where {@code Instant.parse} costs
 * more than the rest of JSON decoding; the common ISO-8601 shapes are parsed by hand here and
 * anything else falls back to {@code java.time}.
 */
public final class Timestamps {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    private static final int MAX_OFFSET_MINUTES = 18 * 60;

    private Timestamps() {}

    /**
     * Parses {@code 2026-11-01T10:15:30Z}, with an optional fraction of up to 9 digits, a {@code Z}
     * or {@code ±HH:MM} offset, or no zone (read as UTC), and a {@code T} or a space between date
     * and time. Returns epoch microseconds.
     *
     * @throws DateTimeParseException if the text is not a timestamp
     */
    public static long parseMicros(String text) {
        int n = text.length();
        if (n >= 19
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && (text.charAt(10) == 'T' || text.charAt(10) == ' ')
                && text.charAt(13) == ':'
                && text.charAt(16) == ':') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if (year >= 0
                    && month >= 1
                    && month <= 12
                    && day >= 1
                    && day <= 31
                    && hour >= 0
                    && hour <= 23
                    && minute >= 0
                    && minute <= 59
                    && second >= 0
                    && second <= 59) {
                int i = 19;
                long fractionMicros = 0;
                if (i < n && text.charAt(i) == '.') {
                    i++;
                    int start = i;
                    long fraction = 0;
                    while (i < n && Character.isDigit(text.charAt(i)) && i - start < 9) {
                        fraction = fraction * 10 + (text.charAt(i) - '0');
                        i++;
                    }
                    int count = i - start;
                    if (count == 0) {
                        return fallback(text);
                    }
                    for (int k = count; k < 6; k++) {
                        fraction *= 10;
                    }
                    for (int k = count; k > 6; k--) {
                        fraction /= 10;
                    }
                    fractionMicros = fraction;
                }
                long offsetSeconds = 0;
                if (i < n) {
                    char c = text.charAt(i);
                    if ((c == 'Z' || c == 'z') && i == n - 1) {
                        offsetSeconds = 0;
                    } else if ((c == '+' || c == '-') && n - i == 6 && text.charAt(i + 3) == ':') {
                        int oh = digits(text, i + 1, i + 3);
                        int om = digits(text, i + 4, i + 6);
                        if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) {
                            // java.time decides (and rejects) what ZoneOffset cannot hold
                            return fallback(text);
                        }
                        offsetSeconds = (c == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
                    } else {
                        return fallback(text);
                    }
                }
                if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
                    return fallback(text);
                }
                long epochDay = LocalDate.of(year, month, day).toEpochDay();
                long seconds =
                        epochDay * SECONDS_PER_DAY
                                + hour * 3600L
                                + minute * 60L
                                + second
                                - offsetSeconds;
                return seconds * MICROS_PER_SECOND + fractionMicros;
            }
        }
        return fallback(text);
    }

    private static long fallback(String text) {
        OffsetDateTime parsed;
        try {
            parsed = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            parsed = LocalDateTime.parse(text.replace(' ', 'T')).atOffset(ZoneOffset.UTC);
        }
        return toMicros(text, parsed.toEpochSecond(), parsed.getNano());
    }

    /** java.time reaches the year 999999999, far beyond what a long counts in microseconds. */
    private static long toMicros(String text, long epochSecond, int nanos) {
        try {
            return Math.addExact(Math.multiplyExact(epochSecond, MICROS_PER_SECOND), nanos / 1000);
        } catch (ArithmeticException e) {
            throw new DateTimeParseException(
                    "'" + text + "' is outside the range of epoch microseconds", text, 0);
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    public static TimestampData fromMicros(long micros) {
        long millis = Math.floorDiv(micros, 1000L);
        int nanosOfMilli = (int) Math.floorMod(micros, 1000L) * 1000;
        return TimestampData.fromEpochMillis(millis, nanosOfMilli);
    }

    public static long toMicros(TimestampData timestamp) {
        return timestamp.getMillisecond() * 1000L + timestamp.getNanoOfMillisecond() / 1000;
    }

    /** {@code 2026-11-01T10:15:30.123456Z}, with as many fraction digits as needed (0, 3 or 6). */
    public static String format(TimestampData timestamp) {
        long millis = timestamp.getMillisecond();
        long epochDay = Math.floorDiv(millis, SECONDS_PER_DAY * 1000L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            return formatWithJavaTime(timestamp);
        }
        // by hand: this runs for every timestamp of every JSON record written
        int millisOfDay = (int) (millis - epochDay * SECONDS_PER_DAY * 1000L);
        int secondOfDay = millisOfDay / 1000;
        int nanos = (millisOfDay % 1000) * 1_000_000 + timestamp.getNanoOfMillisecond();
        char[] out = new char[27];
        put(out, 0, year, 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        int end = 19;
        if (nanos != 0) {
            out[end++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(out, end, nanos / 1_000_000, 3);
                end += 3;
            } else {
                put(out, end, nanos / 1000, 6);
                end += 6;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static String formatWithJavaTime(TimestampData timestamp) {
        LocalDateTime time = timestamp.toLocalDateTime();
        int nanos = time.getNano();
        String base = time.withNano(0).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        if (nanos == 0) {
            return base + "Z";
        }
        if (nanos % 1_000_000 == 0) {
            return base + String.format(".%03dZ", nanos / 1_000_000);
        }
        return base + String.format(".%06dZ", nanos / 1000);
    }

    /** The UTC date of an epoch-millisecond instant, as days since 1970-01-01. */
    public static int epochDay(long epochMillis) {
        return (int) Math.floorDiv(epochMillis, SECONDS_PER_DAY * 1000L);
    }
}
