package io.flowbundle.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --progress-interval}, for the commands that run a job and log its counts meanwhile. */
final class ProgressOption {

    @Option(
            names = "--progress-interval",
            converter = Positive.class,
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "How often to log counts while the job runs (default: ${DEFAULT-VALUE}).")
    Duration interval;

    /**
     * A duration as {@link DurationConverter} reads it, more than zero (the run polls at this
     * pace).
     */
    static final class Positive implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration interval = new DurationConverter().convert(text);
            if (interval.isZero() || interval.isNegative()) {
                throw new CommandLine.TypeConversionException("must be more than 0, got " + text);
            }
            return interval;
        }
    }
}
