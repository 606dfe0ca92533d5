package io.flowbundle.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.flowbundle.config.ConfigException;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts the shape every configuration error must have: one line, starting with the file. */
public final class ConfigErrors {

    private ConfigErrors() {}

    /**
     * Runs {@code call}, expects a {@link ConfigException} whose message is a single line that
     * starts with {@code file} and contains each of {@code fragments}; returns the message.
     */
    public static String expectConfigError(ThrowingCallable call, Path file, String... fragments) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigException.class);
        String message = thrown.getMessage();
        assertThat(message)
                .as("error message is one line")
                .doesNotContain("\n")
                .doesNotContain("\r");
        assertThat(message).as("error message names the file first").startsWith(file.toString());
        assertThat(message).contains(fragments);
        return message;
    }
}
