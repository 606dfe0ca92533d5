package io.flowbundle.connector;

import java.util.Locale;

/** Where in a pipeline spec a connector is declared. */
public enum Role {
    /** {@code source}: where the events come from. */
    SOURCE,
    /** {@code sink}: where the transform's results go. */
    SINK,
    /** {@code quarantine}: rejected records with their reason. */
    QUARANTINE,
    /**
     * {@code staging}: valid input as it arrived, before dedupe and transform (the landing layer).
     */
    STAGING;

    /** The spec key that declares a connector of this role. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isSink() {
        return this != SOURCE;
    }
}
