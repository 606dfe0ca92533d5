package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.config.Secrets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void aSecretQuotedByARootCauseIsMaskedInTheOneLineDescription() {
        String password = "pw-" + UUID.randomUUID();
        Secrets.register(password);
        Exception failure =
                new RuntimeException(
                        "job failed",
                        new IllegalArgumentException(
                                "Invalid value " + password + " for sasl.jaas.config\nmore"));

        assertThat(Failures.describe(failure))
                .isEqualTo("IllegalArgumentException: Invalid value ****** for sasl.jaas.config");
    }

    @Test
    void aFullDiskIsRecognisedAnywhereInTheChainByTheKernelsMessage() {
        Exception failure =
                new RuntimeException(
                        "Job execution failed.",
                        new java.io.UncheckedIOException(
                                new java.io.IOException("No space left on device")));

        assertThat(Failures.isOutOfSpace(failure)).isTrue();
        assertThat(Failures.isOutOfSpace(new java.io.IOException("Broken pipe"))).isFalse();
    }
}
