package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;

/** One line that says why a run failed, dug out of Flink's layers of wrapping exceptions. */
public final class Failures {

    private Failures() {}

    public static String describe(Throwable failure) {
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
