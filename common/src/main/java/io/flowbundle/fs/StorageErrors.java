package io.flowbundle.fs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.SerializedThrowable;

/**
 * One line a user can act on for a failed object-storage call, instead of the S3 client's
 * multi-line chain ({@code UnknownStoreException: `s3://x': getFileStatus on ...:
 * AmazonS3Exception: The specified bucket does not exist (Service: Amazon S3; Status Code: 404;
 * ...)}). The S3 classes live in the plugin's class loader, so they are recognised by name and
 * message, not type. Messages carry the location and never a credential.
 */
public final class StorageErrors {

    private static final Pattern CONNECT_TO = Pattern.compile("Connect to (\\S+?:\\d+)");

    private StorageErrors() {}

    /** Whether {@code error} says that the bucket does not exist (S3's 404 NoSuchBucket). */
    public static boolean isMissingBucket(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("UnknownStoreException")
                    || String.valueOf(cause.getMessage()).contains("NoSuchBucket")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code error} says that the object store did not answer: no connection, or no answer
     * in time. Also through a job's failure, where Flink carries the plugin's exceptions as {@link
     * SerializedThrowable}s that keep only the original class's name.
     */
    public static boolean isUnreachable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = next(cause)) {
            if (UNREACHABLE.contains(simpleName(cause))) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Set<String> UNREACHABLE =
            java.util.Set.of(
                    "ConnectException",
                    "SocketTimeoutException",
                    "ConnectTimeoutException",
                    "HttpHostConnectException",
                    "NoHttpResponseException");

    /** The simple name of the exception's class, or of the class it stands for. */
    private static String simpleName(Throwable error) {
        String name =
                error instanceof SerializedThrowable serialized
                        ? serialized.getOriginalErrorClassName()
                        : error.getClass().getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static Throwable next(Throwable cause) {
        return cause.getCause() == cause ? null : cause.getCause();
    }

    /** What went wrong at {@code location}, in one line. */
    public static String describe(Path location, Throwable error) {
        for (Throwable cause = error; cause != null; cause = next(cause)) {
            String name = simpleName(cause);
            String message = String.valueOf(cause.getMessage());
            if (name.equals("UnknownStoreException") || message.contains("NoSuchBucket")) {
                return location
                        + ": bucket '"
                        + location.toUri().getAuthority()
                        + "' does not exist: create it or correct the bucket in the location";
            }
            if (name.equals("AccessDeniedException") || message.contains("Status Code: 403")) {
                return location
                        + ": access denied (403): check s3.access-key and s3.secret-key,"
                        + " and that they may use this bucket";
            }
            if (UNREACHABLE.contains(name)) {
                return location
                        + ": the S3 endpoint"
                        + endpointIn(error)
                        + " does not answer ("
                        + firstLine(rootCause(cause))
                        + "): check s3.endpoint and that the server is running";
            }
            if (name.equals("UnknownHostException")) {
                return location
                        + ": the S3 endpoint's host is unknown ("
                        + firstLine(cause)
                        + "): check s3.endpoint";
            }
        }
        return location + ": " + firstLine(error);
    }

    private static String endpointIn(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            Matcher matcher = CONNECT_TO.matcher(String.valueOf(cause.getMessage()));
            if (matcher.find()) {
                return " " + matcher.group(1);
            }
        }
        return "";
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String firstLine(Throwable error) {
        String message =
                error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof SerializedThrowable serialized
                && message.startsWith(serialized.getOriginalErrorClassName() + ": ")) {
            // Flink's stand-in says "java.net.ConnectException: ..." where the original said "..."
            message = message.substring(serialized.getOriginalErrorClassName().length() + 2);
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
