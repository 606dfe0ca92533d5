package io.flowbundle.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaConnectorsTest {

    @Test
    void exactlyOnceProducersKeepOneRequestInFlightSoARetriedFirstBatchCannotBeOvertaken() {
        Properties config = KafkaConnectors.exactlyOnceProducerConfig();

        // see exactlyOnceProducerConfig: with more than one, a first batch retried after
        // NOT_LEADER_OR_FOLLOWER is overtaken and then rejected as out of order until the
        // delivery timeout
        assertThat(config.getProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))
                .isEqualTo("1");
    }

    @Test
    void exactlyOnceTransactionsEndWithinTheBrokersDefaultMaximumTimeout() {
        Properties config = KafkaConnectors.exactlyOnceProducerConfig();

        // a broker refuses InitProducerId above transaction.max.timeout.ms (15 min by default)
        assertThat(Long.parseLong(config.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(15).toMillis());
    }
}
