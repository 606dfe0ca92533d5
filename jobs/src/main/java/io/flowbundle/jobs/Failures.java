package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.config.Secrets;

/** One line that says why a run failed, dug out of Flink's layers of wrapping exceptions. */
public final class Failures {

    private Failures() {}

    /**
     * Passed through {@link Secrets#redact}: a client exception may quote a password it was given.
     */
    public static String describe(Throwable failure) {
        return Secrets.redact(firstCause(failure));
    }

    private static String firstCause(Throwable failure) {
        Throwable root = failure;
        Throwable current = failure;
        while (current != null) {
            if (current instanceof FlowbundleException) {
                return current.getMessage();
            }
            root = current;
            current = current.getCause() == current ? null : current.getCause();
        }
        String message = root.getMessage();
        String kind = root.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return kind;
        }
        int newline = message.indexOf('\n');
        return kind + ": " + (newline < 0 ? message : message.substring(0, newline));
    }
}
