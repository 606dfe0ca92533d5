package io.flowbundle.cli;

import io.flowbundle.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Duration options written as in specs and in Flink's configuration ({@link Durations}, Flink's
 * syntax): {@code 250ms}, {@code 10s}, {@code 5min}, {@code 1h}.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
