package io.flowbundle.lineage;

import io.flowbundle.spec.SinkSpec;
import io.flowbundle.spec.SourceSpec;

import java.net.URI;
import java.nio.file.Path;

/**
 * OpenLineage dataset identifiers, following its naming conventions: a local file or folder is
 * namespace {@code file}, name = its absolute path; a Kafka topic is namespace
 * {@code kafka://host:port} (the first bootstrap server), name = the topic.
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

    public static Id of(SourceSpec source) {
        if (source instanceof SourceSpec.Kafka kafka) {
            return kafka(kafka.bootstrap(), kafka.topic());
        }
        return file(((SourceSpec.Parquet) source).path());
    }

    public static Id of(SinkSpec sink, Path target) {
        if (sink instanceof SinkSpec.Kafka kafka) {
            return kafka(kafka.bootstrap(), kafka.topic());
        }
        return file(target != null ? target : ((SinkSpec.Parquet) sink).path());
    }

    public static Id file(Path path) {
        return new Id(FILE, path.toAbsolutePath().normalize().toString());
    }

    public static Id kafka(String bootstrap, String topic) {
        String first = bootstrap.split(",")[0].trim();
        return new Id("kafka://" + first, topic);
    }
}
