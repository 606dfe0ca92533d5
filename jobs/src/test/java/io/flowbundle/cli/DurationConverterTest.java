package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Duration options read Flink's syntax, like specs, and say what is wrong with the option named.
 */
class DurationConverterTest {

    @Test
    void readsFlinksForms() {
        DurationConverter converter = new DurationConverter();

        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("10 seconds")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("5min")).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aBadDurationIsAConversionErrorWithExamples() {
        assertThatThrownBy(() -> new DurationConverter().convert("3600"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining(
                        "expected a duration such as 250ms, 10s, 5min, 1h or 7d, got '3600'");
    }

    @Test
    void theCheckpointIntervalIsCheckedBeforeTheSpecIsRead() {
        Cli cli =
                Cli.run(
                        "stream",
                        "--pipeline",
                        "conf/pipelines/none.yaml",
                        "--checkpoint-interval",
                        "10 secs please");

        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err())
                .contains(
                        "--checkpoint-interval",
                        "expected a duration such as",
                        "got '10 secs please'");
    }
}
