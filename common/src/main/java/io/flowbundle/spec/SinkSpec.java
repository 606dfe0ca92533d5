package io.flowbundle.spec;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.connector.WrittenDataset;
import io.flowbundle.lineage.Datasets;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;

/**
 * Where a pipeline's results, its rejected records or its staging layer go: a connector's
 * declaration, made by its {@link io.flowbundle.connector.ConnectorFactory}.
 */
public interface SinkSpec extends Serializable {

    /** The connector's {@code type}. */
    String type();

    /** The dataset as people and the audit name it: a folder or {@code kafka://host:port/topic}. */
    String describe();

    /** The dataset as lineage names it. */
    Datasets.Id dataset();

    /**
     * This sink with option {@code key} set to {@code value}, or itself if it has no such option.
     */
    default SinkSpec withOption(String key, String value) {
        return this;
    }

    /**
     * This declaration with the defaults of the run's configuration for its connector ({@code
     * kafka.properties} of conf/flowbundle.yaml for Kafka); its own settings win.
     */
    default SinkSpec withDefaults(RuntimeConfig config) {
        return this;
    }

    /**
     * Client properties set on this declaration (and inherited from the run configuration), for the
     * audit; values may be secrets, so they are masked before they are recorded.
     */
    default Map<String, String> clientProperties() {
        return Map.of();
    }

    /** Adds what can be checked before the job is built. */
    default void preflight(Preflight preflight, String key) {}

    /**
     * The folder (or object-store prefix) of dated partitions that {@code flowbundle retention}
     * manages and beside which a batch run's commit manifest lives; empty for a store that expires
     * data by its own settings (a Kafka topic's retention).
     */
    default Optional<Path> retainedFolder() {
        return Optional.empty();
    }

    /** Writes {@code rows} to this sink in the job being built. */
    WrittenDataset attach(DataStream<RowData> rows, SinkContext context);
}
