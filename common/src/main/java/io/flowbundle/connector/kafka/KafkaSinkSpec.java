package io.flowbundle.connector.kafka;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.connector.WrittenDataset;
import io.flowbundle.kafka.KafkaPreflight;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.spec.SinkSpec;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;

/**
 * JSON records in a Kafka topic, written exactly once (transactions committed at checkpoints).
 *
 * @param properties Kafka client properties of the declaration (none of those flowbundle owns)
 */
public record KafkaSinkSpec(String topic, String bootstrap, Map<String, String> properties)
        implements SinkSpec {

    public KafkaSinkSpec {
        properties = Map.copyOf(properties);
    }

    @Override
    public String type() {
        return KafkaConnector.TYPE;
    }

    @Override
    public String describe() {
        return "kafka://" + bootstrap + "/" + topic;
    }

    @Override
    public Datasets.Id dataset() {
        return Datasets.kafka(bootstrap, topic);
    }

    @Override
    public SinkSpec withOption(String key, String value) {
        return key.equals(KafkaConnector.BOOTSTRAP.key())
                ? new KafkaSinkSpec(topic, value, properties)
                : this;
    }

    @Override
    public SinkSpec withDefaults(RuntimeConfig config) {
        return new KafkaSinkSpec(
                topic, bootstrap, KafkaProperties.withDefaults(properties, config, Role.SINK));
    }

    @Override
    public Map<String, String> clientProperties() {
        return properties;
    }

    @Override
    public void preflight(Preflight preflight, String key) {
        KafkaPreflight.cluster(preflight, bootstrap, properties).sink(key, topic);
    }

    @Override
    public WrittenDataset attach(DataStream<RowData> rows, SinkContext context) {
        rows.sinkTo(
                        KafkaConnectors.exactlyOnceSink(
                                this,
                                context.rowType(),
                                "flowbundle-" + context.spec().name() + "-" + context.dataset()))
                .name(context.dataset() + ": kafka " + topic)
                .uid(context.uid());
        return new WrittenDataset(
                dataset(), describe(), null, null, Partitioning.none(context.rowType()));
    }
}
