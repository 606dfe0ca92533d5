package io.flowbundle.connector.kafka;

import io.flowbundle.config.ConfigException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.ConnectorOptions;
import io.flowbundle.connector.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka client properties of one declaration ({@code properties:}), and the ones flowbundle
 * owns: a user's value for those would break what the run promises (exactly-once output, records
 * decoded as the contract says, offsets committed at checkpoints), or has its own spec key.
 */
public final class KafkaProperties {

    /** Keys a declaration may not set, in any role, and why. */
    static final Map<String, String> OWNED_EVERYWHERE =
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "set it with the key bootstrap");

    /** Keys a source may not set, and why. */
    static final Map<String, String> OWNED_BY_SOURCE =
            Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "set it with the key group",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                            "records are decoded by the contract's decoder",
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                            "records are decoded by the contract's decoder",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed is what makes an upstream exactly-once writer's aborted records invisible",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            "offsets are committed at checkpoints (the state holds the truth)");

    /** Keys a sink may not set, and why. */
    static final Map<String, String> OWNED_BY_SINK =
            Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                            "rows are encoded as the sink's JSON",
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                            "rows are encoded as the sink's JSON",
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            "exactly-once output derives one per pipeline, sink and subtask",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            "transactions need the idempotent producer",
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                            "exactly-once sinks keep one request in flight (docs/ARCHITECTURE.md)");

    private KafkaProperties() {}

    /** The declaration's properties, refusing the owned ones in one line naming the key. */
    static Map<String, String> checked(
            ConnectorOptions options, ConfigOption<Map<String, String>> option, Role role) {
        Map<String, String> properties = new TreeMap<>(options.get(option));
        for (String key : properties.keySet()) {
            String reason = ownedReason(key, role);
            if (reason != null) {
                throw options.error(
                        option,
                        "'"
                                + key
                                + "' is set by flowbundle and cannot be overridden ("
                                + reason
                                + ")");
            }
        }
        return properties;
    }

    /**
     * {@code own} on top of the run configuration's {@code kafka.properties}, refusing an owned key
     * there too (in one line naming the configuration file).
     */
    static Map<String, String> withDefaults(
            Map<String, String> own, RuntimeConfig config, Role role) {
        if (config.kafkaProperties().isEmpty()) {
            return own;
        }
        Map<String, String> merged = new TreeMap<>();
        for (Map.Entry<String, String> entry : config.kafkaProperties().entrySet()) {
            String reason = ownedReason(entry.getKey(), role);
            if (reason != null) {
                throw new ConfigException(
                        config.describe("kafka.properties")
                                + ": '"
                                + entry.getKey()
                                + "' is set by flowbundle and cannot be overridden ("
                                + reason
                                + ")");
            }
            merged.put(entry.getKey(), entry.getValue());
        }
        merged.putAll(own);
        return merged;
    }

    /** Why flowbundle owns {@code key} in {@code role}, or null when a user may set it. */
    static String ownedReason(String key, Role role) {
        String reason = OWNED_EVERYWHERE.get(key);
        if (reason == null) {
            reason = role == Role.SOURCE ? OWNED_BY_SOURCE.get(key) : OWNED_BY_SINK.get(key);
        }
        return reason;
    }

    /** {@code base} with {@code properties} on top, as client Properties. */
    static Properties merged(Map<String, String> properties, Properties base) {
        Properties merged = new Properties();
        merged.putAll(base);
        merged.putAll(properties);
        return merged;
    }

    /** {@code properties} as client Properties. */
    public static Properties of(Map<String, String> properties) {
        Properties out = new Properties();
        out.putAll(new LinkedHashMap<>(properties));
        return out;
    }
}
