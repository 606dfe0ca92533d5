package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.TestPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The check a streaming run makes of its Kafka topics before it builds a job, on a real broker. */
class StreamPreflightITCase {

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void aMissingSourceTopicStopsTheRunInOneLineBeforeAnythingStarts(@TempDir Path dir) {
        PipelineSpec spec =
                SpecLoader.load(
                        TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "sensor-evnets"));
        RuntimeConfig config = TestPipelines.streaming(dir);

        assertThatThrownBy(() -> new StreamRun(spec, config, true, Duration.ofSeconds(5)).run())
                .isInstanceOf(UsageException.class)
                .hasMessage(
                        spec.file()
                                + ": source.topic 'sensor-evnets' does not exist on "
                                + KAFKA.bootstrap()
                                + ": create it first (e.g. scripts/kafka-local create-topic sensor-evnets 4)"
                                + " or correct the name");
        // no job, so no audit record of one
        assertThat(config.auditLog()).doesNotExist();
    }

    @Test
    void sinkTopicsTheBrokerCreatesOnFirstWriteAreLeftToThatWriteAndNotCreatedByTheCheck(
            @TempDir Path dir) throws Exception {
        KAFKA.createTopic("present", 2);
        PipelineSpec spec =
                SpecLoader.load(
                        TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), "present"));

        assertThatCode(() -> spec.preflight(Preflight.DEFAULT_TIMEOUT).run(spec.file()))
                .doesNotThrowAnyException();

        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()))) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).contains("present").doesNotContain("present-out", "present-dlq");
        }
    }

    @Test
    void aBrokerThatDoesNotAnswerIsNamedWithinTheTimeout(@TempDir Path dir) {
        String nobody = KafkaBroker.addressNobodyAnswers();
        PipelineSpec spec =
                SpecLoader.load(TestPipelines.sensorHourlyStream(dir, nobody, "events"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> spec.preflight(Duration.ofSeconds(2)).run(spec.file()))
                .isInstanceOf(FlowbundleException.class)
                .isNotInstanceOf(UsageException.class)
                .hasMessage(
                        spec.file()
                                + ": no answer from Kafka at "
                                + nobody
                                + " within 2 s: is the broker"
                                + " running (scripts/kafka-local start) and is the address right?");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(15));
    }
}
