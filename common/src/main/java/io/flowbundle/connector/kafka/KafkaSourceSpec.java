package io.flowbundle.connector.kafka;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.kafka.KafkaPreflight;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SourceSpec;
import java.time.LocalDate;
import java.util.Map;

/**
 * JSON events in a Kafka topic.
 *
 * @param start where a run without restored state starts
 * @param properties Kafka client properties of the declaration (none of those flowbundle owns)
 */
public record KafkaSourceSpec(
        String topic,
        String bootstrap,
        String group,
        KafkaConnector.Start start,
        Map<String, String> properties)
        implements SourceSpec {

    public KafkaSourceSpec {
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
    public boolean streams() {
        return true;
    }

    @Override
    public SourceSpec withOption(String key, String value) {
        return key.equals(KafkaConnector.BOOTSTRAP.key())
                ? new KafkaSourceSpec(topic, value, group, start, properties)
                : this;
    }

    @Override
    public SourceSpec withDefaults(RuntimeConfig config) {
        return new KafkaSourceSpec(
                topic,
                bootstrap,
                group,
                start,
                KafkaProperties.withDefaults(properties, config, Role.SOURCE));
    }

    @Override
    public String startWithoutState() {
        return switch (start) {
            case EARLIEST ->
                    "reading "
                            + topic
                            + " from its earliest offsets (start: earliest): everything still"
                            + " in the topic is processed again";
            case LATEST ->
                    "reading "
                            + topic
                            + " from its latest offsets (start: latest): records already in"
                            + " the topic are skipped";
            case COMMITTED ->
                    "reading "
                            + topic
                            + " from the offsets committed by group "
                            + group
                            + " (start: committed; earliest where it has none)";
        };
    }

    @Override
    public Map<String, String> clientProperties() {
        return properties;
    }

    @Override
    public void preflight(Preflight preflight, String key) {
        KafkaPreflight.cluster(preflight, bootstrap, properties).source(key, topic);
    }

    /**
     * A bounded plan reads up to the end offsets found at start, as a batch job with streaming
     * semantics.
     */
    @Override
    public SourcePlan plan(PipelineSpec spec, boolean bounded, LocalDate logicalDate) {
        return new SourcePlan(KafkaEventSource.of(spec, this, bounded), null);
    }
}
