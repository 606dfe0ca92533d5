package io.flowbundle.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * A complete checkpoint or savepoint a run can restore: its folder (the one holding {@code
 * _metadata}, as {@code execution.state-recovery.path} wants it) and when it was completed.
 */
public record ResumePoint(String path, Kind kind, Instant completed) {

    /** What Flink wrote it as: a periodic checkpoint ({@code chk-N}) or a savepoint. */
    public enum Kind {
        CHECKPOINT,
        SAVEPOINT;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How long ago it was completed, in whole seconds. */
    public Duration age(Instant now) {
        Duration age = Duration.between(completed, now);
        return (age.isNegative() ? Duration.ZERO : age).withNanos(0);
    }

    /** "checkpoint file:/…/chk-7, completed 42 s ago (2026-…Z)": what a log line says. */
    public String describe(Instant now) {
        return kind + " " + path + ", completed " + ago(age(now)) + " (" + completed + ")";
    }

    private static String ago(Duration age) {
        long seconds = age.getSeconds();
        if (seconds < 120) {
            return seconds + " s ago";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86400 + " days ago";
    }
}
