package io.flowbundle.config;

import io.flowbundle.FlowbundleException;

/** A configuration file (spec, contract, workflow) that cannot be used as written. */
public class ConfigException extends FlowbundleException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
