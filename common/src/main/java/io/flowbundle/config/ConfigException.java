package io.flowbundle.config;

import io.flowbundle.FlowbundleException;

/**
 * A configuration file (spec, contract, workflow) that cannot be used as written. The message is
 * passed through {@link Secrets#redact}: an error that quotes a value ("expected a number, got
 * '...'") must not print a secret that value came from.
 */
public class ConfigException extends FlowbundleException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(Secrets.redact(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(Secrets.redact(message), cause);
    }
}
