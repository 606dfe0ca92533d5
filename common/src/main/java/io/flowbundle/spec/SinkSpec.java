package io.flowbundle.spec;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/** Where a pipeline's results (or its rejected records, or its staging layer) go. */
public sealed interface SinkSpec extends Serializable permits SinkSpec.Parquet, SinkSpec.Kafka {

    String describe();

    /**
     * Parquet files under {@code path}, in Hive partitions named by {@code partitionBy}.
     *
     * @param compression snappy, zstd, gzip or none
     */
    record Parquet(Path path, List<String> partitionBy, String compression) implements SinkSpec {
        public Parquet {
            partitionBy = List.copyOf(partitionBy);
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /** JSON records in a Kafka topic, written exactly once (transactions committed at checkpoints). */
    record Kafka(String topic, String bootstrap) implements SinkSpec {
        @Override
        public String describe() {
            return "kafka://" + bootstrap + "/" + topic;
        }

        public Kafka withBootstrap(String newBootstrap) {
            return new Kafka(topic, newBootstrap);
        }
    }
}
