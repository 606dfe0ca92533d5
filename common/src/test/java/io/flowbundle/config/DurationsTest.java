package io.flowbundle.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "250ms, PT0.25S",
        "0s, PT0S",
        "10s, PT10S",
        "10 sec, PT10S",
        "10S, PT10S",
        "5min, PT5M",
        "5 m, PT5M",
        "1h, PT1H",
        "1H, PT1H",
        "7d, PT168H",
        "'  30s  ', PT30S"
    })
    void parsesTheDocumentedForms(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "1.5h", "-5s", "ten seconds", "10 seconds", "5 mins", "1w", "1h30m"})
    void rejectsAnythingElseNamingTheForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a duration such as 250ms, 10s, 5min, 1h or 7d")
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"106751991168d", "999999999999999d", "2562047788016h", "9223372036854776s", "9223372036854775808ms", "99999999999999999999s"})
    void durationsBeyondMillisecondsOfALongAreRejectedNamingTheLongest(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is too long for a duration; the longest is 106751991167d");
    }

    @Test
    void theLongestDurationsAreAccepted() {
        assertThat(Durations.parse("106751991167d")).isEqualTo(Duration.ofDays(106_751_991_167L));
        assertThat(Durations.parse("9223372036854775807ms")).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }
}
