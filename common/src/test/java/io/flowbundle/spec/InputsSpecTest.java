package io.flowbundle.spec;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.connector.Role;
import io.flowbundle.connector.parquet.ParquetSinkSpec;
import io.flowbundle.connector.parquet.ParquetSourceSpec;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.testing.Checkout;
import io.flowbundle.testing.ConfFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code inputs:} form of a spec (conf/pipelines/sensor-hourly-by-building.yaml). */
class InputsSpecTest {

    @TempDir Path dir;

    private ConfFixture conf;
    private Path joined;

    @BeforeEach
    void copyFixtures() throws IOException {
        conf = ConfFixture.copyTo(dir);
        // the example's own files, beside the fixture's copy of the sensor_events contract
        for (String file :
                List.of(
                        "contracts/devices.yaml",
                        "contracts/sensor_hourly_by_building.yaml",
                        "sql/sensor-hourly-by-building.sql",
                        "pipelines/sensor-hourly-by-building.yaml")) {
            Files.copy(Checkout.conf(file), conf.root().resolve(file));
        }
        joined = conf.pipeline("sensor-hourly-by-building");
    }

    @Test
    void eachInputHasItsOwnContractSourceAndDedupeAndTheFirstEventInputIsTheMainOne() {
        PipelineSpec spec = SpecLoader.load(joined);

        assertThat(spec.view()).isEqualTo("readings");
        assertThat(spec.contract()).isEqualTo(ContractLoader.load(conf.contract("sensor_events")));
        assertThat(spec.eventTime()).isEqualTo("timestamp");
        assertThat(spec.dedupeSpec())
                .contains(new PipelineSpec.Dedupe(List.of("id"), Duration.ofHours(1)));
        assertThat(spec.joins()).isTrue();
        assertThat(spec.inputs())
                .extracting(PipelineSpec.Input::view)
                .containsExactly("readings", "devices");
        assertThat(spec.mainInput().key()).isEqualTo("inputs.readings");

        PipelineSpec.Input devices = spec.otherInputs().get(0);
        assertThat(devices.role()).isEqualTo(PipelineSpec.InputRole.DIMENSION);
        assertThat(devices.key()).isEqualTo("inputs.devices");
        assertThat(devices.contract()).isEqualTo(ContractLoader.load(conf.contract("devices")));
        assertThat(devices.source())
                .isEqualTo(
                        new ParquetSourceSpec(
                                dir.toAbsolutePath().resolve("data/devices"), "date"));
        assertThat(devices.eventTime()).isNull();
        assertThat(devices.dedupe())
                .isEqualTo(new PipelineSpec.Dedupe(List.of("device_id"), Duration.ofHours(1)));
        // the spec's quarantine is every input's unless it names its own
        assertThat(devices.quarantine()).isNull();
        assertThat(spec.quarantineOf(devices)).isEqualTo(spec.quarantine());
        assertThat(spec.declaredSinks())
                .extracting(PipelineSpec.DeclaredSink::dataset)
                .containsExactly("output", "quarantine");

        PipelineSpec seen = spec.forInput(devices);
        assertThat(seen.view()).isEqualTo("devices");
        assertThat(seen.contract()).isEqualTo(devices.contract());
        assertThat(seen.source()).isEqualTo(devices.source());
        assertThat(seen.otherInputs()).isEmpty();
    }

    @Test
    void theSingleSourceFormIsTheViewEventsAlone() {
        PipelineSpec spec = SpecLoader.load(conf.pipeline("sensor-hourly"));

        assertThat(spec.view()).isEqualTo("events");
        assertThat(spec.joins()).isFalse();
        assertThat(spec.inputs()).extracting(PipelineSpec.Input::view).containsExactly("events");
        assertThat(spec.mainInput().key()).isEmpty();
        assertThat(spec.mainInput().keyOf("source")).isEqualTo("source");
    }

    @Test
    void anInputMayKeepItsOwnQuarantineAndStagingLayer() {
        ConfFixture.edit(
                joined,
                "    dedupe: {key: device_id}\n",
                "    dedupe: {key: device_id}\n"
                        + "    quarantine: ../../out/quarantine/devices\n"
                        + "    staging: {path: ../../out/staging/devices}\n");

        PipelineSpec spec = SpecLoader.load(joined);

        Path out = dir.toAbsolutePath().resolve("out");
        assertThat(spec.otherInputs().get(0).quarantine())
                .isEqualTo(
                        new ParquetSinkSpec(
                                out.resolve("quarantine/devices"), List.of(), "snappy"));
        assertThat(spec.declaredSinks())
                .extracting(d -> d.key() + " " + d.role() + " " + d.dataset())
                .containsExactly(
                        "sink SINK output",
                        "quarantine QUARANTINE quarantine",
                        "inputs.devices.quarantine QUARANTINE quarantine-devices",
                        "inputs.devices.staging STAGING staging-devices");
        assertThat(spec.declaredSinks().get(3).role()).isEqualTo(Role.STAGING);
    }

    @Test
    void inputsTogetherWithATopLevelSourceIsOneLineNamingTheKey() {
        ConfFixture.edit(
                joined,
                "inputs:\n",
                "source: {type: parquet, path: ../../data/sensor-events}\ninputs:\n");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "source: not allowed together with inputs:; declare it on the input it belongs to"
                        + " (inputs.VIEW.source)");
    }

    @Test
    void twoInputsOfOneNameAreOneLineNamingTheName() {
        ConfFixture.edit(joined, "  devices:\n", "  readings:\n");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "key 'inputs.readings' is written twice in one mapping; keep one of them");
    }

    @Test
    void aViewNameTheSqlCannotReadIsRefused() {
        ConfFixture.edit(joined, "  devices:\n", "  device-registry:\n");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "inputs.device-registry: 'device-registry' is not a view name the SQL can read");
    }

    @Test
    void anEventInputNeedsAnEventTime() {
        ConfFixture.edit(joined, "    role: dimension\n", "");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "inputs.devices.event_time: missing; an input of role event needs its event-time"
                        + " column (or declare role: dimension)");
    }

    @Test
    void errorsInsideAnInputNameItsKeyPath() {
        ConfFixture.edit(joined, "dedupe: {key: device_id}", "dedupe: {key: serial}");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "inputs.devices.dedupe.key: 'serial' is not a column of contract devices");
    }

    @Test
    void aTemporalJoinOnADimensionWithoutPrimaryKeyIsOneLineNamingTheInput() {
        ConfFixture.edit(conf.contract("devices"), "primary_key: [device_id]\n", "");
        ConfFixture.edit(joined, "    dedupe: {key: device_id}\n", "");
        ConfFixture.write(
                conf.sql("sensor-hourly-by-building"),
                "SELECT r.device_id, d.building FROM readings AS r"
                        + " JOIN devices FOR SYSTEM_TIME AS OF r.`timestamp` AS d"
                        + " ON r.device_id = d.device_id");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "inputs.devices: the transform joins devices FOR SYSTEM_TIME AS OF (a temporal"
                        + " join), which looks rows up by primary key, and contract devices"
                        + " declares none: add primary_key to it");
    }

    @Test
    void noEventInputIsRefused() {
        ConfFixture.edit(
                joined,
                "    event_time: timestamp\n",
                "    event_time: timestamp\n    role: dimension\n");

        expectConfigError(
                () -> SpecLoader.load(joined),
                joined,
                "inputs: no input has role: event; a pipeline needs one, with an event_time");
    }
}
