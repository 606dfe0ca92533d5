package io.flowbundle;

/**
 * An error a user can act on: the message says what failed, where (file, key, column, line) and,
 * where it helps, what to do. The CLI prints the message alone, without a stack trace.
 */
public class FlowbundleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FlowbundleException(String message) {
        super(message);
    }

    public FlowbundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
