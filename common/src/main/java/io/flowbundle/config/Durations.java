package io.flowbundle.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in specs and flags: {@code 250ms}, {@code 10s}, {@code 5min}, {@code 1h}, {@code 7d}. */
public final class Durations {

    private static final Pattern DURATION =
            Pattern.compile("(\\d+)\\s*(ms|s|sec|m|min|h|d)", Pattern.CASE_INSENSITIVE);

    /** Durations end up as millisecond offsets of event time (timers, watermarks). */
    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

    private Durations() {}

    /** @throws IllegalArgumentException naming the expected forms, or the longest duration */
    public static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "expected a duration such as 250ms, 10s, 5min, 1h or 7d, got '" + text + "'");
        }
        Duration duration;
        try {
            duration = of(Long.parseLong(matcher.group(1)), matcher.group(2));
        } catch (ArithmeticException | NumberFormatException e) {
            throw tooLong(text);
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw tooLong(text);
        }
        return duration;
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException(
                "'" + text.trim() + "' is too long for a duration; the longest is "
                        + LONGEST.toDays() + "d");
    }

    private static Duration of(long amount, String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
            case "sec":
                return Duration.ofSeconds(amount);
            case "m":
            case "min":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }
}
