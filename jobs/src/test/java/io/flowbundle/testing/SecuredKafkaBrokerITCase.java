package io.flowbundle.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.flowbundle.testing.SecuredKafkaBroker.Listener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The secured test broker itself: plain Kafka clients over each SASL listener, and its refusals.
 */
class SecuredKafkaBrokerITCase {

    @RegisterExtension static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();

    /** Every refusal below must come well within this (a SASL client can otherwise hang). */
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aRecordMakesTheRoundTripOverTheListener(Listener listener) throws Exception {
        String topic = "round-trip-" + listener.name().toLowerCase().replace('_', '-');
        KAFKA.createTopic(topic, 1);

        Map<String, Object> producerProps = bounded(KAFKA.clientProperties(listener));
        producerProps.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topic, "k", "over " + listener))
                    .get(30, TimeUnit.SECONDS);
        }

        Map<String, Object> consumerProps = bounded(KAFKA.clientProperties(listener));
        consumerProps.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).containsExactly("over " + listener);
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void aWrongPasswordIsRefusedWithAnAuthenticationError(Listener listener) {
        Map<String, Object> props = bounded(KAFKA.clientProperties(listener, "not-the-password"));

        Throwable refusal = describeCluster(props);

        assertThat(refusal).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(String.valueOf(refusal)).doesNotContain(KAFKA.password());
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefusedWithATlsError() {
        Map<String, Object> props = bounded(KAFKA.clientProperties(Listener.SASL_SSL));
        // the JDK's default truststore: the test CA is not in it
        props.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        props.remove(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        props.remove(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG);

        Throwable refusal = describeCluster(props);

        assertThat(refusal).hasCauseInstanceOf(SslAuthenticationException.class);
    }

    /** Asks the cluster for its nodes; returns what went wrong, failing if that took too long. */
    private static Throwable describeCluster(Map<String, Object> props) {
        long start = System.nanoTime();
        Throwable thrown;
        try (Admin admin = Admin.create(props)) {
            thrown =
                    catchThrowable(
                            () ->
                                    admin.describeCluster()
                                            .nodes()
                                            .get(REFUSAL_BOUND.toSeconds(), TimeUnit.SECONDS));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).as("the client was refused").isNotNull();
        assertThat(took).as("time to refusal").isLessThan(REFUSAL_BOUND);
        return thrown;
    }

    /** Client properties with every wait bounded, so a refused client fails instead of hanging. */
    private static Map<String, Object> bounded(Map<String, String> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(AdminClientConfig.RETRIES_CONFIG, 0);
        return props;
    }
}
