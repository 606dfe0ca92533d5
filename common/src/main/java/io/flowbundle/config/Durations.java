package io.flowbundle.config;

import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * Durations in specs, conf files and command-line options, in Flink's own syntax ({@link
 * TimeUtils#parseDuration}: {@code 250ms}, {@code 10s}, {@code 10 sec}, {@code 5min}, {@code 1h},
 * {@code 7d}, {@code 2 days}), so a duration reads the same here as in Flink's configuration
 * ({@code execution.checkpointing.interval}). What this class adds is the error a user can act on,
 * with examples, and two refusals: a number without a unit (Flink reads {@code 3600} as
 * milliseconds, which in a retention or a lateness is far more likely meant as seconds), and a
 * duration beyond a long of milliseconds (durations end up as millisecond offsets of event time).
 */
public final class Durations {

    /** Shown with every error: forms people write. */
    public static final String EXAMPLES = "250ms, 10s, 5min, 1h or 7d";

    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

    private static final Pattern NUMBER_ONLY = Pattern.compile("\\s*\\d+\\s*");

    private Durations() {}

    /**
     * @throws IllegalArgumentException naming the text, examples of valid forms and Flink's reason
     */
    public static Duration parse(String text) {
        if (NUMBER_ONLY.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "expected a duration such as "
                            + EXAMPLES
                            + ", got '"
                            + text
                            + "' (a number needs a unit)");
        }
        Duration duration;
        try {
            duration = TimeUtils.parseDuration(text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("numeric overflow")) {
                throw tooLong(text);
            }
            throw new IllegalArgumentException(
                    "expected a duration such as "
                            + EXAMPLES
                            + ", got '"
                            + text
                            + "' ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw tooLong(text);
        }
        return duration;
    }

    /**
     * A duration for people and for Flink's configuration, in its largest exact unit: {@code 90 s},
     * {@code 1 h}.
     */
    public static String format(Duration duration) {
        return TimeUtils.formatWithHighestUnit(duration);
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException(
                "'"
                        + text.trim()
                        + "' is too long for a duration; the longest is "
                        + LONGEST.toDays()
                        + "d");
    }
}
