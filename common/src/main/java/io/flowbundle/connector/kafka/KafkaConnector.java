package io.flowbundle.connector.kafka;

import io.flowbundle.connector.ConnectorFactory;
import io.flowbundle.connector.ConnectorOptions;
import io.flowbundle.connector.OptionSet;
import io.flowbundle.connector.Role;
import io.flowbundle.spec.SinkSpec;
import io.flowbundle.spec.SourceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * {@code type: kafka}: JSON records in a Kafka topic; an unbounded (or bounded-replay) source with
 * per-partition watermarks, and an exactly-once sink (transactions committed at checkpoints).
 */
public final class KafkaConnector implements ConnectorFactory {

    public static final String TYPE = "kafka";

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    /** Where a new consumer group starts reading. */
    public enum Start {
        EARLIEST,
        COMMITTED,
        LATEST
    }

    /** How records are encoded. */
    public enum Format {
        JSON
    }

    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("topic").stringType().noDefaultValue().withDescription("The topic.");

    public static final ConfigOption<String> BOOTSTRAP =
            ConfigOptions.key("bootstrap")
                    .stringType()
                    .defaultValue(DEFAULT_BOOTSTRAP)
                    .withDescription(
                            "Kafka's bootstrap.servers: HOST:PORT[,HOST:PORT...]; flowbundle stream"
                                    + " --bootstrap overrides it.");

    public static final ConfigOption<String> GROUP =
            ConfigOptions.key("group")
                    .stringType()
                    .defaultValue("flowbundle")
                    .withDescription(
                            "The consumer group (group.id); offsets are committed to it at checkpoints.");

    public static final ConfigOption<Start> START =
            ConfigOptions.key("start")
                    .enumType(Start.class)
                    .defaultValue(Start.COMMITTED)
                    .withDescription(
                            "Where a run without restored state starts: the group's committed offsets"
                                    + " (earliest where it has none), the earliest or the latest offsets.");

    public static final ConfigOption<Format> FORMAT =
            ConfigOptions.key("format")
                    .enumType(Format.class)
                    .defaultValue(Format.JSON)
                    .withDescription("The record encoding.");

    public static final ConfigOption<Map<String, String>> PROPERTIES =
            ConfigOptions.key("properties")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Any Kafka client property (security.protocol, sasl.mechanism,"
                                    + " sasl.jaas.config, ssl.truststore.location, ...), passed to every"
                                    + " client of this topic. Properties flowbundle sets itself are"
                                    + " refused (docs/ARCHITECTURE.md).");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "JSON records in a Kafka topic: a source that streams (or replays up to its current end)"
                + " and an exactly-once sink, transactions committed at checkpoints.";
    }

    @Override
    public Optional<OptionSet> options(Role role) {
        if (role == Role.SOURCE) {
            return Optional.of(
                    OptionSet.of(
                            List.of(TOPIC), List.of(BOOTSTRAP, GROUP, START, FORMAT, PROPERTIES)));
        }
        return Optional.of(OptionSet.of(List.of(TOPIC), List.of(BOOTSTRAP, FORMAT, PROPERTIES)));
    }

    @Override
    public SourceSpec createSource(ConnectorOptions options) {
        return new KafkaSourceSpec(
                options.get(TOPIC),
                options.get(BOOTSTRAP),
                options.get(GROUP),
                options.get(START),
                KafkaProperties.checked(options, PROPERTIES, Role.SOURCE));
    }

    @Override
    public SinkSpec createSink(ConnectorOptions options, Role role) {
        return new KafkaSinkSpec(
                options.get(TOPIC),
                options.get(BOOTSTRAP),
                KafkaProperties.checked(options, PROPERTIES, role));
    }
}
