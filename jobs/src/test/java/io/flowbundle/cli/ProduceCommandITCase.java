package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.KafkaBroker;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flowbundle produce} through {@link Main#execute}, against a real broker. */
class ProduceCommandITCase {

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void createsAMissingTopicWithTheAskedPartitionsThenWritesEveryEventToIt() throws Exception {
        Cli cli =
                cli(
                        "produce",
                        "--topic",
                        "fresh",
                        "--bootstrap",
                        KAFKA.bootstrap(),
                        "--generate",
                        "500",
                        "--partitions",
                        "3");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out())
                .startsWith("created topic fresh with 3 partitions at " + KAFKA.bootstrap() + "\n")
                .contains("produced 500 records to fresh at " + KAFKA.bootstrap());
        assertThat(partitions("fresh")).isEqualTo(3);
        assertThat(KAFKA.readCommitted("fresh")).hasSize(500);
    }

    @Test
    void anExistingTopicIsWrittenAsItIs() throws Exception {
        KAFKA.createTopic("existing", 2);

        Cli cli =
                cli(
                        "produce",
                        "--topic",
                        "existing",
                        "--bootstrap",
                        KAFKA.bootstrap(),
                        "--generate",
                        "100");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out())
                .doesNotContain("created topic")
                .contains("produced 100 records to existing");
        assertThat(partitions("existing")).isEqualTo(2);
        assertThat(KAFKA.readCommitted("existing")).hasSize(100);
    }

    @Test
    void aBrokerThatDoesNotAnswerIsAOneLineError() throws Exception {
        String nobody = KafkaBroker.addressNobodyAnswers();

        Cli cli = cli("produce", "--topic", "t", "--bootstrap", nobody, "--generate", "10");

        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err())
                .isEqualTo(
                        "error: no answer from Kafka at "
                                + nobody
                                + " within 10 s: is the broker"
                                + " running (scripts/kafka-local start) and is the address right?\n");
    }

    @Test
    void zeroPartitionsIsAUsageError() {
        Cli cli =
                cli(
                        "produce",
                        "--topic",
                        "t",
                        "--bootstrap",
                        KAFKA.bootstrap(),
                        "--generate",
                        "10",
                        "--partitions",
                        "0");

        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("error: --partitions must be at least 1, got 0\n");
    }

    private static int partitions(String topic) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()))) {
            return admin.describeTopics(java.util.List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
        }
    }

    private static Cli cli(String... args) {
        return Cli.run(args);
    }
}
