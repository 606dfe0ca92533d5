package io.flowbundle.connector;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.connector.kafka.KafkaConnector;
import io.flowbundle.connector.kafka.KafkaSinkSpec;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connectors found by type, their options checked and typed, a new one added by one class. */
class ConnectorsTest {

    @TempDir Path dir;

    private ConfFixture conf;
    private Path batch;

    @BeforeEach
    void copyConf() {
        conf = ConfFixture.copyTo(dir);
        batch = conf.pipeline("sensor-hourly");
    }

    @Test
    void theShippedConnectorsAndTheTestsToyAreFoundByType() {
        assertThat(Connectors.find("parquet")).isPresent();
        assertThat(Connectors.find("kafka")).get().isInstanceOf(KafkaConnector.class);
        assertThat(Connectors.find("toy")).get().isInstanceOf(ToyConnector.class);
        assertThat(Connectors.find("mongodb")).isEmpty();
    }

    @Test
    void aConnectorAddedByOneClassIsASinkOfASpecWithTypedOptions() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, label: hourly, copies: 2, shout: LOUD}");

        PipelineSpec spec = SpecLoader.load(batch);

        assertThat(spec.sinks())
                .containsExactly(
                        new ToyConnector.ToySinkSpec("hourly", 2, ToyConnector.Shout.LOUD));
        assertThat(spec.sinks().get(0).describe()).isEqualTo("toy://hourly");
        assertThat(spec.sinks().get(0).dataset().toString()).isEqualTo("toy://memory:hourly");
        // nothing on disk to expire: retention leaves it out
        assertThat(spec.sinks().get(0).retainedFolder()).isEmpty();
    }

    @Test
    void optionsTakeTheirDefaults() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, label: hourly}");

        assertThat(SpecLoader.load(batch).sinks())
                .containsExactly(
                        new ToyConnector.ToySinkSpec("hourly", 1, ToyConnector.Shout.QUIET));
    }

    @Test
    void unknownKeysAreRefusedWithTheConnectorsKnownKeys() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, label: hourly, coppies: 2}");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "unknown key 'coppies' in sink",
                "did you mean 'copies'",
                "known keys: type, label, copies, shout");
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, copies: 2}");

        expectConfigError(
                () -> SpecLoader.load(batch), batch, "sink.label: required key is missing");
    }

    @Test
    void valuesAreCheckedAsTheirOptionsType() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, label: hourly, copies: many, shout: whisper}");

        expectConfigError(() -> SpecLoader.load(batch), batch, "sink.copies");

        ConfFixture.edit(batch, "copies: many, ", "");
        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "sink.shout: expected one of quiet, loud, got 'whisper'");
    }

    @Test
    void aConnectorsOwnCheckNamesTheKey() {
        ConfFixture.edit(
                batch,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: toy, label: hourly, copies: 0}");

        expectConfigError(
                () -> SpecLoader.load(batch), batch, "sink.copies: must be at least 1, got 0");
    }

    @Test
    void aTypeIsOfferedOnlyWhereItsConnectorServesTheRole() {
        ConfFixture.edit(
                batch, "type: parquet, path: ../../data/sensor-events", "type: toy, label: x");

        expectConfigError(
                () -> SpecLoader.load(batch), batch, "source.type: expected one of parquet, kafka");
    }

    @Test
    void bootstrapIsOverriddenInEveryConnectorThatHasTheOptionAndNoOther() {
        PipelineSpec spec = SpecLoader.load(conf.pipeline("sensor-hourly-stream"));

        PipelineSpec moved =
                spec.withConnectorOption(KafkaConnector.BOOTSTRAP.key(), "10.1.1.1:9092");

        assertThat(((KafkaSourceSpec) moved.source()).bootstrap()).isEqualTo("10.1.1.1:9092");
        assertThat(((KafkaSinkSpec) moved.quarantine()).bootstrap()).isEqualTo("10.1.1.1:9092");
        assertThat(moved.sinks().get(1)).isEqualTo(spec.sinks().get(1)); // the Parquet sink
        assertThat(moved.staging()).isEqualTo(spec.staging());
    }

    @Test
    void kafkaPropertiesPassThroughAndTheOnesFlowbundleOwnsAreRefused() {
        Path stream = conf.pipeline("sensor-hourly-stream");
        ConfFixture.edit(
                stream,
                "topic: sensor-events,",
                "topic: sensor-events, properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512},");

        assertThat(((KafkaSourceSpec) SpecLoader.load(stream).source()).properties())
                .isEqualTo(
                        Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));

        ConfFixture.edit(stream, "sasl.mechanism: SCRAM-SHA-512", "group.id: mine");
        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "source.properties: 'group.id' is set by flowbundle and cannot be overridden (set it"
                        + " with the key group)");
    }
}
