package io.flowbundle.fs;

import io.flowbundle.config.ConfigException;
import io.flowbundle.config.ConfigNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;

/**
 * Where a dataset lives, as written in a spec: a URI with a scheme ({@code s3://bucket/x}, {@code
 * s3a://...}, {@code file:///...}, {@code hdfs://...}) is kept as it is; a path without a scheme is
 * a local path, resolved against the spec's folder when relative (as before object storage). A
 * scheme no file system of this JVM serves is an error naming the key, at load time rather than
 * when the job first writes.
 */
public final class Locations {

    /** {@code scheme:}, at least two characters so that a Windows drive letter is not a scheme. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    private Locations() {}

    /**
     * The location at {@code node} (a text value), relative paths against the node's file's folder.
     */
    public static Path resolve(ConfigNode node) {
        return resolve(node.text(), node.baseDir(), node.file() + ": " + node.keyPath());
    }

    /**
     * The location {@code location}; {@code where} names its origin in messages (e.g. {@code
     * conf/pipelines/x.yaml: sinks.hourly.path}).
     */
    public static Path resolve(String location, java.nio.file.Path baseDir, String where) {
        Path parsed = parse(location, baseDir, where);
        if (!isLocal(parsed)) {
            requireFileSystem(parsed.toUri(), where);
        }
        return parsed;
    }

    /**
     * As {@link #resolve(String, java.nio.file.Path, String)}, without asking whether a file system
     * serves the scheme: for settings read before the file systems are initialized (the audit log
     * of {@code conf/flowbundle.yaml}); check them later with {@link #requireFileSystem(Path,
     * String)}.
     */
    public static Path parse(String location, java.nio.file.Path baseDir, String where) {
        if (location == null || location.isBlank()) {
            throw new ConfigException(
                    where + ": expected a path or URI (e.g. s3://bucket/folder), got nothing");
        }
        String trimmed = location.trim();
        if (!SCHEME.matcher(trimmed).matches()) {
            java.nio.file.Path local = java.nio.file.Path.of(trimmed);
            java.nio.file.Path absolute = local.isAbsolute() ? local : baseDir.resolve(local);
            return new Path(absolute.toAbsolutePath().normalize().toUri());
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    where + ": '" + trimmed + "' is not a valid URI: " + e.getReason());
        }
        if (!"file".equalsIgnoreCase(uri.getScheme())
                && (uri.getAuthority() == null || uri.getAuthority().isEmpty())) {
            throw new ConfigException(
                    where
                            + ": '"
                            + trimmed
                            + "' names no bucket or host: write "
                            + uri.getScheme()
                            + "://BUCKET/folder");
        }
        return new Path(uri);
    }

    /** The location of a local file or folder, absolute and normalized. */
    public static Path local(java.nio.file.Path path) {
        return new Path(path.toAbsolutePath().normalize().toUri());
    }

    /** Whether {@code location} is on the local disk ({@code file:} or no scheme). */
    public static boolean isLocal(Path location) {
        String scheme = location.toUri().getScheme();
        return scheme == null || scheme.equalsIgnoreCase("file");
    }

    /** The local file or folder at {@code location} ({@link #isLocal} must hold). */
    public static java.nio.file.Path toLocal(Path location) {
        if (!isLocal(location)) {
            throw new IllegalArgumentException(location + " is not on the local disk");
        }
        return java.nio.file.Path.of(location.toUri().getPath());
    }

    /** The location as people and the audit name it: a local path as a path, else its URI. */
    public static String describe(Path location) {
        return isLocal(location) ? toLocal(location).toString() : location.toString();
    }

    /**
     * Fails with a one-line message naming {@code where} when no file system of this JVM serves
     * {@code location}'s scheme.
     */
    public static void requireFileSystem(Path location, String where) {
        if (!isLocal(location)) {
            requireFileSystem(location.toUri(), where);
        }
    }

    /**
     * Fails with a one-line message when no file system of this JVM serves {@code uri}'s scheme.
     */
    static void requireFileSystem(URI uri, String where) {
        try {
            FileSystem.get(uri);
        } catch (UnsupportedFileSystemSchemeException e) {
            throw new ConfigException(
                    where
                            + ": no file system for scheme '"
                            + uri.getScheme()
                            + "' in '"
                            + uri
                            + "' (s3:// and s3a:// need Flink's flink-s3-fs-hadoop in the plugins"
                            + " folder, see docs/ARCHITECTURE.md, Object storage)");
        } catch (IOException e) {
            throw new ConfigException(
                    where + ": cannot open the file system of '" + uri + "': " + firstLine(e), e);
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
