package io.flowbundle.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.kafka.KafkaSinkSpec;
import io.flowbundle.kafka.KafkaPreflight.Findings;
import io.flowbundle.kafka.KafkaPreflight.Topic;
import io.flowbundle.kafka.KafkaPreflight.Verdict;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the preflight concludes from what it finds; the broker side is KafkaPreflightITCase. */
class KafkaPreflightTest {

    private static final String FILE = "conf/pipelines/sensor-hourly-stream.yaml";
    private static final String HOST = "127.0.0.1:9092";
    private static final List<Topic> TOPICS =
            List.of(
                    new Topic("source", "sensor-events", true),
                    new Topic("sink", "sensor-hourly", false),
                    new Topic("quarantine", "sensor-events-dlq", false));

    @Test
    void theShippedStreamingSpecNamesItsSourceThenItsKafkaSinksOnOneCluster(@TempDir Path dir) {
        PipelineSpec spec =
                SpecLoader.load(ConfFixture.copyTo(dir).pipeline("sensor-hourly-stream"));

        // named as the spec's keys are: its Kafka sink is the first of two; its Parquet sink and
        // staging layer are not Kafka's business
        assertThat(topicsByBootstrap(spec))
                .containsExactly(
                        Map.entry(
                                HOST,
                                List.of(
                                        new Topic("source", "sensor-events", true),
                                        new Topic("sink[0]", "sensor-hourly", false),
                                        new Topic("quarantine", "sensor-events-dlq", false))));
    }

    @Test
    void sinksOnAnotherClusterAreCheckedThereAndSeveralSinksAreNamedByIndex(@TempDir Path dir) {
        PipelineSpec spec =
                SpecLoader.load(ConfFixture.copyTo(dir).pipeline("sensor-hourly-stream"));
        PipelineSpec moved =
                spec.toBuilder()
                        .sinks(
                                List.of(
                                        new KafkaSinkSpec("a", "10.0.0.1:9092", Map.of()),
                                        new KafkaSinkSpec("b", HOST, Map.of())))
                        .build();

        assertThat(topicsByBootstrap(moved))
                .containsExactly(
                        Map.entry(
                                HOST,
                                List.of(
                                        new Topic("source", "sensor-events", true),
                                        new Topic("sink[1]", "b", false),
                                        new Topic("quarantine", "sensor-events-dlq", false))),
                        Map.entry("10.0.0.1:9092", List.of(new Topic("sink[0]", "a", false))));
    }

    @Test
    void allTopicsThereMeansNothingToSay() {
        assertVerdict(
                verdict(null, "sensor-events", "sensor-hourly", "sensor-events-dlq"),
                List.of(),
                List.of(),
                List.of());
    }

    @Test
    void aMissingSourceTopicStopsTheRunNamingFileKeyTopicAndWhatToDo() {
        assertVerdict(
                verdict(true, "sensor-hourly", "sensor-events-dlq"),
                List.of(
                        FILE
                                + ": source.topic 'sensor-events' does not exist on "
                                + HOST
                                + ": create it first (e.g. scripts/kafka-local create-topic sensor-events 4)"
                                + " or correct the name"),
                List.of(),
                List.of());
    }

    @Test
    void missingSinkTopicsAreCreatedByTheirFirstWriteWhereTheBrokerDoesThat() {
        assertVerdict(
                verdict(true, "sensor-events"),
                List.of(),
                List.of(),
                List.of(
                        "sink topic 'sensor-hourly' does not exist on "
                                + HOST
                                + ": its first write creates it with the broker's default partition count",
                        "quarantine topic 'sensor-events-dlq' does not exist on "
                                + HOST
                                + ": its first write creates it with the broker's default partition count"));
    }

    @Test
    void missingSinkTopicsStopTheRunWhereTheBrokerDoesNotCreateTopics() {
        assertVerdict(
                verdict(false, "sensor-events", "sensor-events-dlq"),
                List.of(
                        FILE
                                + ": sink topic 'sensor-hourly' does not exist on "
                                + HOST
                                + ", whose brokers do not create topics on first write (auto.create.topics.enable=false):"
                                + " create it first (e.g. scripts/kafka-local create-topic sensor-hourly 4)"),
                List.of(),
                List.of());
    }

    @Test
    void whenTheBrokerSettingCannotBeReadAMissingSinkTopicIsLeftToTheJobWithAWarning() {
        assertVerdict(
                verdict(null, "sensor-events", "sensor-events-dlq"),
                List.of(),
                List.of(
                        "sink topic 'sensor-hourly' does not exist on "
                                + HOST
                                + " and auto.create.topics.enable could not be read: unless its brokers create topics"
                                + " on first write, create it first (e.g. scripts/kafka-local create-topic sensor-hourly 4)"),
                List.of());
    }

    /**
     * The verdict on TOPICS when {@code existing} are there and the broker setting is {@code
     * autoCreate}.
     */
    private static Verdict verdict(Boolean autoCreate, String... existing) {
        return KafkaPreflight.verdict(
                FILE, HOST, TOPICS, new Findings(Set.of(existing), autoCreate));
    }

    private static void assertVerdict(
            Verdict verdict, List<String> errors, List<String> warnings, List<String> notes) {
        assertThat(verdict.errors()).as("errors").containsExactlyElementsOf(errors);
        assertThat(verdict.warnings()).as("warnings").containsExactlyElementsOf(warnings);
        assertThat(verdict.notes()).as("notes").containsExactlyElementsOf(notes);
    }

    /** The Kafka checks of a spec's preflight, by address. */
    private static Map<String, List<Topic>> topicsByBootstrap(PipelineSpec spec) {
        Map<String, List<Topic>> out = new LinkedHashMap<>();
        for (Preflight.Check check : spec.preflight(Duration.ofSeconds(1)).checks()) {
            KafkaPreflight.Cluster cluster = (KafkaPreflight.Cluster) check;
            out.put(cluster.bootstrap(), cluster.topics());
        }
        return out;
    }
}
