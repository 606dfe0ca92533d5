package io.flowbundle.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.testing.Times;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written parser must agree with {@code java.time} on everything it accepts. Property
 * style: many random instants, offsets and fraction lengths from a seeded {@link Random}, so a
 * failure is reproducible.
 */
class TimestampsTest {

    private static final long SEED = 20261101L;
    private static final int CASES = 10_000;

    /** From 1900 to 2200, so the range covers negative epochs and leap years. */
    private static final long MIN_SECOND = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();

    private static final long MAX_SECOND = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();

    @Test
    void agreesWithJavaTimeOnRandomInstantsOffsetsAndFractions() {
        Random random = new Random(SEED);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Instant instant = randomInstant(random);
            ZoneOffset offset = randomOffset(random);
            int fractionDigits = random.nextInt(10); // 0..9
            String separator = random.nextBoolean() ? "T" : " ";
            String text = format(instant, offset, fractionDigits, separator, random);

            OffsetDateTime expected = OffsetDateTime.parse(text.replace(' ', 'T'));
            long expectedMicros = floorMicros(expected.toEpochSecond(), expected.getNano());

            long actual = Timestamps.parseMicros(text);
            if (actual != expectedMicros) {
                mismatches.add(text + ": " + actual + " != " + expectedMicros);
            }
        }
        assertThat(mismatches).as("texts parsed differently from java.time").isEmpty();
    }

    @Test
    void textWithoutAZoneIsUtcOnRandomInstants() {
        Random random = new Random(SEED + 1);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Instant instant = randomInstant(random);
            String text =
                    LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
                            .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);

            long expected = floorMicros(instant.getEpochSecond(), instant.getNano());
            long actual = Timestamps.parseMicros(text);
            if (actual != expected) {
                mismatches.add(text + ": " + actual + " != " + expected);
            }
        }
        assertThat(mismatches).as("zone-less texts not read as UTC").isEmpty();
    }

    @Test
    void formatRoundTripsOnRandomMicroseconds() {
        Random random = new Random(SEED + 2);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long micros =
                    randomInstant(random).getEpochSecond() * 1_000_000L + random.nextInt(1_000_000);
            TimestampData timestamp = Timestamps.fromMicros(micros);
            String text = Timestamps.format(timestamp);
            Instant exact =
                    Instant.ofEpochSecond(
                            Math.floorDiv(micros, 1_000_000L),
                            Math.floorMod(micros, 1_000_000L) * 1000L);

            if (Timestamps.toMicros(timestamp) != micros
                    || Timestamps.parseMicros(text) != micros
                    || !Instant.parse(text).equals(exact)) {
                mismatches.add(micros + " -> " + text);
            }
        }
        assertThat(mismatches)
                .as("micros that do not survive fromMicros/format/parseMicros")
                .isEmpty();
    }

    @Test
    void formatUsesZeroThreeOrSixFractionDigits() {
        assertThat(Timestamps.format(Times.at("2026-11-01T10:01:30Z")))
                .isEqualTo("2026-11-01T10:01:30Z");
        assertThat(Timestamps.format(Times.at("2026-11-01T10:01:30.120Z")))
                .isEqualTo("2026-11-01T10:01:30.120Z");
        assertThat(Timestamps.format(Times.at("2026-11-01T10:01:30.120400Z")))
                .isEqualTo("2026-11-01T10:01:30.120400Z");
        assertThat(Timestamps.format(Times.at("1969-12-31T23:59:59.999999Z")))
                .isEqualTo("1969-12-31T23:59:59.999999Z");
    }

    @Test
    void fromMicrosHandlesTimesBeforeTheEpoch() {
        TimestampData t = Timestamps.fromMicros(-1L);

        assertThat(t.toInstant()).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
        assertThat(Timestamps.toMicros(t)).isEqualTo(-1L);
    }

    @Test
    void epochDayOfMillis() {
        assertThat(Timestamps.epochDay(Times.millis("2026-11-01T23:59:59.999Z")))
                .isEqualTo((int) java.time.LocalDate.of(2026, 11, 1).toEpochDay());
        assertThat(Timestamps.epochDay(Times.millis("1969-12-31T23:59:59.999Z"))).isEqualTo(-1);
    }

    @Test
    void acceptsExactlyWhatJavaTimeAcceptsOnRandomDates() {
        Random random = new Random(SEED + 3);
        List<String> mismatches = new ArrayList<>();
        int rejected = 0;
        int cases = 3_000; // most are invalid, and exceptions are slow
        for (int i = 0; i < cases; i++) {
            String text =
                    String.format(
                            "%04d-%02d-%02dT%02d:%02d:%02dZ",
                            1900 + random.nextInt(300),
                            random.nextInt(14),
                            random.nextInt(33),
                            random.nextInt(26),
                            random.nextInt(62),
                            random.nextInt(62));
            OffsetDateTime javaTime = parsedByJavaTime(text);
            Long ours = parsedByTimestamps(text);

            if (javaTime == null) {
                rejected++;
            }
            Long expected = javaTime == null ? null : javaTime.toEpochSecond() * 1_000_000L;
            if (!java.util.Objects.equals(ours, expected)) {
                mismatches.add(text + ": " + ours + " != " + expected);
            }
        }
        assertThat(rejected)
                .as("the random texts include invalid dates and times")
                .isBetween(cases / 10, cases - cases / 10);
        assertThat(mismatches)
                .as("texts accepted or rejected differently from java.time")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-30T00:00:00Z",
                "2100-02-29T00:00:00Z",
                "2026-06-31 12:00:00",
                "2026-11-01T10:15:3Z",
                "not a time"
            })
    void invalidTextThrowsDateTimeParseException(String text) {
        assertThatThrownBy(() -> Timestamps.parseMicros(text))
                .isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void leapDaysOfLeapYearsAreAccepted() {
        assertThat(Timestamps.parseMicros("2000-02-29T00:00:00Z"))
                .isEqualTo(Times.micros("2000-02-29T00:00:00Z"));
        assertThat(Timestamps.parseMicros("2028-02-29T12:00:00Z"))
                .isEqualTo(Times.micros("2028-02-29T12:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-01T10:00:00+25:00",
                "2026-11-01T10:00:00+01:75",
                "2026-11-01T10:00:00-19:00"
            })
    void offsetsOutOfRangeAreRejected(String text) {
        assertThatThrownBy(() -> OffsetDateTime.parse(text))
                .isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parseMicros(text))
                .isInstanceOf(DateTimeParseException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-01T10:00:00+18:00",
                "2026-11-01T10:00:00-18:00",
                "2026-11-01T10:00:00+05:59"
            })
    void offsetsAtTheEdgeOfTheRangeAreAccepted(String text) {
        assertThat(Timestamps.parseMicros(text))
                .isEqualTo(OffsetDateTime.parse(text).toEpochSecond() * 1_000_000L);
    }

    @Test
    void offsetsJustBeyondEighteenHoursAreRejected() {
        assertThatThrownBy(() -> Timestamps.parseMicros("2026-11-01T10:00:00+18:01"))
                .isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parseMicros("2026-11-01T10:00:00-18:30"))
                .isInstanceOf(DateTimeParseException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z",
                "+300000-01-01T00:00:00"
            })
    void instantsJavaTimeReadsButMicrosecondsCannotHoldAreRejected(String text) {
        assertThatThrownBy(() -> Timestamps.parseMicros(text))
                .isInstanceOf(DateTimeParseException.class)
                .hasMessage("'" + text + "' is outside the range of epoch microseconds");
    }

    @Test
    void yearsBeyondFourDigitsWithinMicrosecondsAreRead() {
        assertThat(Timestamps.parseMicros("+10000-01-01T00:00:00Z"))
                .isEqualTo(Times.micros("+10000-01-01T00:00:00Z"));
    }

    /**
     * {@code OffsetDateTime} is the oracle: unlike {@code Instant.parse} it rejects 24:00 and :60.
     */
    private static OffsetDateTime parsedByJavaTime(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Long parsedByTimestamps(String text) {
        try {
            return Timestamps.parseMicros(text);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static long floorMicros(long epochSecond, int nanos) {
        return Math.floorDiv(epochSecond * 1_000_000_000L + nanos, 1000L);
    }

    private static Instant randomInstant(Random random) {
        long second = MIN_SECOND + (long) (random.nextDouble() * (MAX_SECOND - MIN_SECOND));
        return Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
    }

    /** Whole quarter hours from -12:00 to +14:00, a third of the time exactly Z. */
    private static ZoneOffset randomOffset(Random random) {
        if (random.nextInt(3) == 0) {
            return ZoneOffset.UTC;
        }
        return ZoneOffset.ofTotalSeconds((random.nextInt(26 * 4 + 1) - 12 * 4) * 15 * 60);
    }

    /**
     * {@code yyyy-MM-dd<sep>HH:mm:ss[.fraction](Z|±HH:MM)} with exactly {@code digits} fraction
     * digits.
     */
    private static String format(
            Instant instant, ZoneOffset offset, int digits, String separator, Random random) {
        OffsetDateTime time = instant.atOffset(offset);
        StringBuilder text =
                new StringBuilder(
                        String.format(
                                "%04d-%02d-%02d%s%02d:%02d:%02d",
                                time.getYear(),
                                time.getMonthValue(),
                                time.getDayOfMonth(),
                                separator,
                                time.getHour(),
                                time.getMinute(),
                                time.getSecond()));
        if (digits > 0) {
            String nanos = String.format("%09d", time.getNano());
            text.append('.').append(nanos, 0, digits);
        }
        if (offset.getTotalSeconds() == 0) {
            text.append(random.nextBoolean() ? "Z" : "+00:00");
        } else {
            text.append(offset.getId());
        }
        return text.toString();
    }

    @Test
    void handWrittenFormatAgreesWithJavaTime() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(2026);
        long from = java.time.Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
        long to = java.time.Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long millis =
                    i % 4 == 0
                            ? random.nextLong(from, to) / 1000 * 1000
                            : random.nextLong(from, to);
            int nanoOfMilli =
                    i % 3 == 0
                            ? 0
                            : i % 3 == 1 ? random.nextInt(1000) * 1000 : random.nextInt(1_000_000);
            org.apache.flink.table.data.TimestampData ts =
                    org.apache.flink.table.data.TimestampData.fromEpochMillis(millis, nanoOfMilli);
            assertThat(Timestamps.format(ts))
                    .as("%s", ts)
                    .isEqualTo(Timestamps.formatWithJavaTime(ts));
        }
    }
}
