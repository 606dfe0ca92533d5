package io.flowbundle.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.testing.Checkout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations are Flink's syntax, with a unit required and a millisecond range. */
class DurationsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "250ms, PT0.25S",
        "0s, PT0S",
        "10s, PT10S",
        "10 sec, PT10S",
        "10 seconds, PT10S",
        "10S, PT10S",
        "5min, PT5M",
        "5 m, PT5M",
        "1 minute, PT1M",
        "1h, PT1H",
        "1H, PT1H",
        "7d, PT168H",
        "2 days, PT48H",
        "'  30s  ', PT30S"
    })
    void parsesFlinksFormsAsFlinkDoes(String text, String expected) {
        assertThat(Durations.parse(text))
                .isEqualTo(Duration.parse(expected))
                .isEqualTo(TimeUtils.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1.5h", "-5s", "ten seconds", "5 mins", "1w", "1h30m"})
    void rejectsAnythingElseNamingTheTextExamplesAndFlinksReason(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "expected a duration such as 250ms, 10s, 5min, 1h or 7d, got '"
                                + text
                                + "' (")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownUnitListsTheUnitsFlinkKnows() {
        assertThatThrownBy(() -> Durations.parse("1w"))
                .hasMessageContaining("'w'")
                .hasMessageContaining("DAYS: (d | day | days)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "3600", " 0 "})
    void aNumberWithoutAUnitIsRejectedThoughFlinkWouldReadMilliseconds(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "expected a duration such as 250ms, 10s, 5min, 1h or 7d, got '"
                                + text
                                + "' (a number needs a unit)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "106751991168d",
                "999999999999999d",
                "2562047788016h",
                "9223372036854776s",
                "9223372036854775808ms",
                "99999999999999999999s"
            })
    void durationsBeyondMillisecondsOfALongAreRejectedNamingTheLongest(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'" + text + "' is too long for a duration; the longest is 106751991167d");
    }

    @Test
    void theLongestDurationsAreAccepted() {
        assertThat(Durations.parse("106751991167d")).isEqualTo(Duration.ofDays(106_751_991_167L));
        assertThat(Durations.parse("9223372036854775807ms"))
                .isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void formattingGivesTheLargestExactUnitAndParsesBack() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90 s");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1 h");
        for (Duration d :
                List.of(
                        Duration.ofMillis(250),
                        Duration.ofMinutes(5),
                        Duration.ofDays(7),
                        Duration.ofSeconds(3_601))) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }

    @Test
    void everyDurationInTheProjectsConfAndReadmeParses() throws IOException {
        Pattern setting =
                Pattern.compile(
                        "(\\w*(?:timeout|interval|lateness|orderness|retention|backoff)):\\s*\"?([0-9][^,}#\"\\n]*)");
        Pattern option = Pattern.compile("--\\w+-(?:interval|backoff) ([0-9][^\\s)]*)");
        List<String> found = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Checkout.conf())) {
            walk.filter(f -> f.toString().endsWith(".yaml")).forEach(files::add);
        }
        files.add(Checkout.root().resolve("README.md"));
        for (Path file : files) {
            String text = Files.readString(file);
            for (Pattern pattern : List.of(setting, option)) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    String value = m.group(m.groupCount()).trim();
                    found.add(file.getFileName() + ": " + value);
                    assertThat(Durations.parse(value))
                            .as("%s in %s", value, file)
                            .isGreaterThanOrEqualTo(Duration.ZERO);
                }
            }
        }
        assertThat(found)
                .as("the durations of conf/ and the README were found")
                .hasSizeGreaterThanOrEqualTo(8);
    }
}
