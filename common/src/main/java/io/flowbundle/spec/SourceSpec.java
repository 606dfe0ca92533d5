package io.flowbundle.spec;

import java.io.Serializable;
import java.nio.file.Path;

/** Where a pipeline's events come from. */
public sealed interface SourceSpec extends Serializable
        permits SourceSpec.Parquet, SourceSpec.Kafka {

    /** A dataset name for audit and lineage: a path or {@code kafka://host:port/topic}. */
    String describe();

    /**
     * Parquet files: one file, or a folder read recursively (Hive partitions such as
     * {@code date=2026-11-01/} allowed).
     *
     * @param datePartition the Hive partition key that holds the logical date ({@code date} by
     *     default); {@code --date} reads only that partition
     */
    record Parquet(Path path, String datePartition) implements SourceSpec {
        @Override
        public String describe() {
            return path.toString();
        }
    }

    /**
     * JSON events in a Kafka topic.
     *
     * @param start where a new consumer group starts: earliest, committed or latest
     */
    record Kafka(String topic, String bootstrap, String group, String start) implements SourceSpec {
        @Override
        public String describe() {
            return "kafka://" + bootstrap + "/" + topic;
        }

        public Kafka withBootstrap(String newBootstrap) {
            return new Kafka(topic, newBootstrap, group, start);
        }
    }
}
