package io.flowbundle.lineage;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenLineage dataset identifiers, following its naming conventions: a local file or folder is
 * namespace {@code file}, name = its absolute path; a Kafka topic is namespace {@code
 * kafka://host:port} (the first bootstrap server), name = the topic; an object-store prefix is
 * namespace {@code s3://bucket} (the scheme as written: s3, s3a, gs, hdfs://host:port), name = the
 * key prefix without its leading slash.
 *
 * <p>Written as text (by {@link Id#toString()}, and by users: {@link #parse}), a dataset is {@code
 * NAMESPACE:NAME}: {@code file:/data/sensor-events}, {@code kafka://127.0.0.1:9092:sensor-events}.
 */
public final class Datasets {

    public static final String FILE = "file";

    /** A dataset identifier and the URI of its data source. */
    public record Id(String namespace, String name) {
        public URI sourceUri() {
            return namespace.equals(FILE) ? URI.create("file:///") : URI.create(namespace);
        }

        @Override
        public String toString() {
            return namespace + ":" + name;
        }
    }

    private Datasets() {}

    /** {@code scheme://host[:port]:name}; digits after the host are always the port. */
    private static final Pattern NAMESPACED =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/:\\s]+(?::\\d+)?+):(.+)");

    /**
     * A dataset as a user writes it, one of:
     *
     * <ul>
     *   <li>a path, absolute or relative to the working directory: {@code out/sensor-daily}
     *       (namespace {@code file}, name = the absolute, normalized path);
     *   <li>{@code file:PATH} or a {@code file://} URI, the same;
     *   <li>{@code SCHEME://HOST[:PORT]:NAME} for any other namespace, e.g. {@code
     *       kafka://127.0.0.1:9092:sensor-events}: the namespace is the URI up to the host and, if
     *       digits follow it, the port; the name is everything after the next colon;
     *   <li>an object-store location {@code SCHEME://BUCKET/KEY/PREFIX}, e.g. {@code
     *       s3://lake/out/sensor-hourly}: namespace {@code s3://lake}, name {@code
     *       out/sensor-hourly}, as runs name the datasets they read and write there.
     * </ul>
     *
     * @throws IllegalArgumentException for a URI-like text without a name after the namespace
     */
    public static Id parse(String text) {
        if (text.startsWith("file://")) {
            return file(Path.of(URI.create(text)));
        }
        if (text.startsWith(FILE + ":")) {
            return file(Path.of(text.substring(FILE.length() + 1)));
        }
        if (!text.contains("://")) {
            return file(Path.of(text));
        }
        Matcher matcher = NAMESPACED.matcher(text);
        Matcher location = LOCATION.matcher(text);
        if (!matcher.matches() && location.matches()) {
            return new Id(location.group(1), location.group(2).replaceFirst("/+$", ""));
        }
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + text
                            + "' is not NAMESPACE:NAME; write e.g. kafka://127.0.0.1:9092:topic (namespace"
                            + " scheme://host[:port], then a colon and the name) or a file path");
        }
        return new Id(matcher.group(1), matcher.group(2));
    }

    /** {@code scheme://host[:port]/key}: an object-store (or HDFS) location. */
    private static final Pattern LOCATION =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/:\\s]+(?::\\d+)?)/+([^\\s]+)");

    public static Id file(Path path) {
        return new Id(FILE, path.toAbsolutePath().normalize().toString());
    }

    /**
     * The dataset at a Flink file system location: {@link #file} for {@code file:}, else by its
     * URI.
     */
    public static Id location(org.apache.flink.core.fs.Path location) {
        URI uri = location.toUri();
        if (uri.getScheme() == null || uri.getScheme().equals(FILE)) {
            return file(Path.of(uri.getPath()));
        }
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        return new Id(uri.getScheme() + "://" + uri.getAuthority(), key);
    }

    public static Id kafka(String bootstrap, String topic) {
        String first = bootstrap.split(",")[0].trim();
        return new Id("kafka://" + first, topic);
    }
}
