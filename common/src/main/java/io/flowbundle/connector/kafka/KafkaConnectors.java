package io.flowbundle.connector.kafka;

import io.flowbundle.kafka.JsonSerialization;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka sources and sinks as flowbundle uses them. */
public final class KafkaConnectors {

    /** Producer transactions must end within the broker's transaction.max.timeout.ms (15 min). */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** How often an unbounded source looks for new partitions of its topic. */
    private static final Duration PARTITION_DISCOVERY_INTERVAL = Duration.ofSeconds(30);

    private KafkaConnectors() {}

    /**
     * JSON events decoded into envelopes. {@code bounded} stops at the end offsets found at start,
     * so a replay of a topic ends like a batch job while keeping streaming semantics.
     */
    public static KafkaSource<RowData> source(
            KafkaSourceSpec spec,
            KafkaRecordDeserializationSchema<RowData> deserializer,
            boolean bounded) {
        KafkaSourceBuilder<RowData> builder =
                KafkaSource.<RowData>builder()
                        .setProperties(KafkaProperties.of(spec.properties()))
                        .setBootstrapServers(spec.bootstrap())
                        .setTopics(spec.topic())
                        .setGroupId(spec.group())
                        .setStartingOffsets(startingOffsets(spec.start()))
                        .setDeserializer(deserializer)
                        .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "true")
                        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (bounded) {
            // a bounded source discovers no new partitions; setBounded switches discovery off
            builder.setBounded(OffsetsInitializer.latest());
        } else {
            builder.setProperty(
                    KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                    String.valueOf(PARTITION_DISCOVERY_INTERVAL.toMillis()));
        }
        return builder.build();
    }

    static OffsetsInitializer startingOffsets(KafkaConnector.Start start) {
        return switch (start) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    /**
     * Rows as JSON records, exactly once: records are written in a transaction per checkpoint and
     * become visible to read_committed consumers when the checkpoint completes.
     */
    public static KafkaSink<RowData> exactlyOnceSink(
            KafkaSinkSpec spec, RowType rowType, String transactionalIdPrefix) {
        return KafkaSink.<RowData>builder()
                .setBootstrapServers(spec.bootstrap())
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<RowData>builder()
                                .setTopic(spec.topic())
                                .setValueSerializationSchema(new JsonSerialization(rowType))
                                .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(
                        KafkaProperties.merged(spec.properties(), exactlyOnceProducerConfig()))
                .build();
    }

    /**
     * What the exactly-once sink's producers are configured with, on top of the connector's own.
     *
     * <p>One request in flight per broker connection. With the default five, a transactional
     * producer can leave a batch behind for good: when the first batch for a partition fails with a
     * retriable error (NOT_LEADER_OR_FOLLOWER, as a topic created by its first write elects its
     * leader), the batches behind it are still in flight, and the broker, which has no state for
     * the new producer id yet, accepts them with their sequence numbers 30, 60, ... The retried
     * first batch (sequence 0) is then out of order on every attempt; the client keeps retrying it
     * until {@code delivery.timeout.ms} (2 min) expires, the transaction fails and the job restarts
     * from its last checkpoint. Seen in this project's tests on DLQ and output topics created by
     * the run. With one request in flight, the partition waits until its first batch is written.
     * The sink's volume (window results, dead letters) is a small fraction of the input, so the
     * serialized requests cost little.
     */
    static Properties exactlyOnceProducerConfig() {
        Properties config = new Properties();
        config.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        config.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return config;
    }
}
