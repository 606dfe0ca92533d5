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

    /**
     * Whether {@code failure} comes from a full file system: the kernel's ENOSPC, as the JDK's file
     * streams report it ("No space left on device"), anywhere in the chain (Flink serializes a
     * task's exception, so the type may be gone; its message stays).
     */
    public static boolean isOutOfSpace(Throwable failure) {
        for (Throwable cause = failure;
                cause != null;
                cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("No space left on device")) {
                return true;
            }
        }
        return false;
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
