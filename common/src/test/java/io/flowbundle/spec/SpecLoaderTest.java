package io.flowbundle.spec;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.connector.kafka.KafkaConnector;
import io.flowbundle.connector.kafka.KafkaSinkSpec;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.connector.parquet.ParquetSinkSpec;
import io.flowbundle.connector.parquet.ParquetSourceSpec;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.fs.Locations;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    @TempDir Path dir;

    private ConfFixture conf;
    private Path batch;
    private Path stream;
    private Path out;

    @BeforeEach
    void copyFixtures() {
        conf = ConfFixture.copyTo(dir);
        batch = conf.pipeline("sensor-hourly");
        stream = conf.pipeline("sensor-hourly-stream");
        out = dir.toAbsolutePath().resolve("out");
    }

    @Test
    void batchSampleReadsEveryKeyAsWritten() {
        PipelineSpec spec = SpecLoader.load(batch);

        assertThat(spec.name()).isEqualTo("sensor-hourly");
        assertThat(spec.file()).isEqualTo(batch);
        assertThat(spec.contract()).isEqualTo(ContractLoader.load(conf.contract("sensor_events")));
        assertThat(spec.source())
                .isEqualTo(
                        new ParquetSourceSpec(
                                dir.toAbsolutePath().resolve("data/sensor-events"), "date"));
        assertThat(spec.eventTime()).isEqualTo("timestamp");
        assertThat(spec.watermark()).isEqualTo(new PipelineSpec.Watermark(Duration.ZERO, null));
        assertThat(spec.allowedLateness()).isZero();
        assertThat(spec.lateness()).isZero();
        assertThat(spec.dedupeSpec())
                .contains(new PipelineSpec.Dedupe(List.of("id"), Duration.ofHours(1)));
        assertThat(spec.transform()).isEqualTo(ConfFixture.read(conf.sql("sensor-hourly")).trim());
        assertThat(spec.outputContractSpec())
                .contains(ContractLoader.load(conf.contract("sensor_hourly")));
        assertThat(spec.sinks())
                .containsExactly(
                        new ParquetSinkSpec(
                                out.resolve("sensor-hourly"), List.of("window_date"), "snappy"));
        assertThat(spec.quarantine())
                .isEqualTo(
                        new ParquetSinkSpec(
                                out.resolve("quarantine/sensor-hourly"), List.of(), "snappy"));
        assertThat(spec.stagingSpec())
                .contains(
                        new ParquetSinkSpec(
                                out.resolve("staging/sensor-events"), List.of("date"), "snappy"));
    }

    @Test
    void streamingSampleReadsEveryKeyAsWritten() {
        PipelineSpec spec = SpecLoader.load(stream);

        assertThat(spec.name()).isEqualTo("sensor-hourly-stream");
        assertThat(spec.source())
                .isEqualTo(
                        new KafkaSourceSpec(
                                "sensor-events",
                                "127.0.0.1:9092",
                                "sensor-hourly",
                                KafkaConnector.Start.EARLIEST,
                                Map.of()));
        assertThat(spec.source().describe()).isEqualTo("kafka://127.0.0.1:9092/sensor-events");
        assertThat(spec.watermark())
                .isEqualTo(
                        new PipelineSpec.Watermark(Duration.ofSeconds(10), Duration.ofSeconds(30)));
        assertThat(spec.allowedLateness()).isZero();
        assertThat(spec.lateness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.sinks())
                .containsExactly(
                        new KafkaSinkSpec("sensor-hourly", "127.0.0.1:9092", Map.of()),
                        new ParquetSinkSpec(
                                out.resolve("stream/sensor-hourly"),
                                List.of("window_date"),
                                "snappy"));
        assertThat(spec.quarantine())
                .isEqualTo(new KafkaSinkSpec("sensor-events-dlq", "127.0.0.1:9092", Map.of()));
        assertThat(spec.stagingSpec())
                .contains(
                        new ParquetSinkSpec(
                                out.resolve("stream/landing/sensor-events"),
                                List.of("date"),
                                "snappy"));
    }

    @Test
    void batchAndStreamingSpecsOfOnePipelineShareEverythingButSourceAndSinks() {
        PipelineSpec b = SpecLoader.load(batch);
        PipelineSpec s = SpecLoader.load(stream);

        assertThat(s.contract()).isEqualTo(b.contract());
        assertThat(s.eventTime()).isEqualTo(b.eventTime());
        assertThat(s.dedupe()).isEqualTo(b.dedupe());
        assertThat(s.transform()).isEqualTo(b.transform());
        assertThat(s.outputContract()).isEqualTo(b.outputContract());
    }

    @Test
    void pathsResolveAgainstTheSpecsFolderWhereverItIsLoadedFrom() {
        Path roundabout = conf.root().resolve("sql/../pipelines/./sensor-hourly.yaml");

        PipelineSpec spec = SpecLoader.load(roundabout);

        assertThat(((ParquetSourceSpec) spec.source()).path())
                .isEqualTo(Locations.local(dir.toAbsolutePath().resolve("data/sensor-events")));
        assertThat(spec.contract().location()).isEqualTo(conf.contract("sensor_events").toString());
    }

    @Test
    void kafkaSourceAndSinkDefaults() {
        ConfFixture.edit(
                stream,
                "{type: kafka, topic: sensor-events, bootstrap: 127.0.0.1:9092, group: sensor-hourly, start: earliest, format: json}",
                "{type: kafka, topic: sensor-events}");
        ConfFixture.edit(
                stream,
                "{type: kafka, topic: sensor-hourly, bootstrap: 127.0.0.1:9092}",
                "{type: kafka, topic: sensor-hourly, format: JSON}");

        PipelineSpec spec = SpecLoader.load(stream);

        assertThat(spec.source())
                .isEqualTo(
                        new KafkaSourceSpec(
                                "sensor-events",
                                SpecLoader.DEFAULT_BOOTSTRAP,
                                "flowbundle",
                                KafkaConnector.Start.COMMITTED,
                                Map.of()));
        assertThat(spec.sinks().get(0))
                .isEqualTo(
                        new KafkaSinkSpec("sensor-hourly", SpecLoader.DEFAULT_BOOTSTRAP, Map.of()));
    }

    @Test
    void descriptionAndDatePartitionAreAccepted() {
        ConfFixture.edit(
                batch,
                "name: sensor-hourly\n",
                "name: sensor-hourly\ndescription: hourly readings per device\n");
        ConfFixture.edit(
                batch,
                "source: {type: parquet, path: ../../data/sensor-events}",
                "source: {type: parquet, path: ../../data/sensor-events, date_partition: day}");

        assertThat(((ParquetSourceSpec) SpecLoader.load(batch).source()).datePartition())
                .isEqualTo("day");
    }

    @Test
    void dedupeDefaultsToThePrimaryKeyAndOneHour() {
        ConfFixture.edit(batch, "dedupe: {key: id, retention: 1h}", "dedupe: {}");

        assertThat(SpecLoader.load(batch).dedupe())
                .isEqualTo(new PipelineSpec.Dedupe(List.of("id"), Duration.ofHours(1)));
    }

    @Test
    void dedupeIsOptional() {
        ConfFixture.edit(batch, "dedupe: {key: id, retention: 1h}\n", "");

        assertThat(SpecLoader.load(batch).dedupeSpec()).isEmpty();
    }

    @Test
    void stagingAsAPathIsPartitionedByDate() {
        ConfFixture.edit(
                batch,
                "staging: {path: ../../out/staging/sensor-events, partition_by: [date]}",
                "staging: ../../out/landing");

        assertThat(SpecLoader.load(batch).staging())
                .isEqualTo(new ParquetSinkSpec(out.resolve("landing"), List.of("date"), "snappy"));
    }

    @Test
    void optionalOutputContractAndStaging() {
        ConfFixture.edit(batch, "output_contract: ../contracts/sensor_hourly.yaml\n", "");
        ConfFixture.edit(
                batch,
                "staging: {path: ../../out/staging/sensor-events, partition_by: [date]}\n",
                "");

        PipelineSpec spec = SpecLoader.load(batch);

        assertThat(spec.outputContractSpec()).isEmpty();
        assertThat(spec.stagingSpec()).isEmpty();
    }

    @Test
    void compressionAndInlineTransform() {
        ConfFixture.edit(
                batch,
                "partition_by: [window_date]}",
                "partition_by: [window_date], compression: ZSTD}");
        ConfFixture.edit(
                batch,
                "transform: {file: ../sql/sensor-hourly.sql}",
                "transform: SELECT * FROM events");

        PipelineSpec spec = SpecLoader.load(batch);

        assertThat(((ParquetSinkSpec) spec.sinks().get(0)).compression()).isEqualTo("zstd");
        assertThat(spec.transform()).isEqualTo("SELECT * FROM events");
    }

    @Test
    void dedupeRetentionEqualToTheLatenessBoundIsEnough() {
        ConfFixture.edit(
                stream, "dedupe: {key: id, retention: 1h}", "dedupe: {key: id, retention: 10s}");

        assertThat(SpecLoader.load(stream).dedupe().retention()).isEqualTo(Duration.ofSeconds(10));
    }

    // --- errors: one line, naming the file and the key ---

    @Test
    void unknownTopLevelKeySuggestsTheKnownOne() {
        ConfFixture.edit(batch, "dedupe: {key", "dedup: {key");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "unknown key 'dedup'",
                "(did you mean 'dedupe'?)");
    }

    @Test
    void unknownSinkKeyNamesTheSink() {
        ConfFixture.edit(batch, "partition_by: [window_date]", "partiton_by: [window_date]");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "unknown key 'partiton_by' in sink",
                "(did you mean 'partition_by'?)");
    }

    @Test
    void unknownKeyInTheSecondSinkNamesItsIndex() {
        ConfFixture.edit(stream, "partition_by: [window_date]", "partition: [window_date]");

        expectConfigError(
                () -> SpecLoader.load(stream), stream, "unknown key 'partition' in sink[1]");
    }

    @Test
    void unknownWatermarkKey() {
        ConfFixture.edit(stream, "idle_timeout: 30s", "idle_timeuot: 30s");

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "unknown key 'idle_timeuot' in watermark",
                "(did you mean 'idle_timeout'?)");
    }

    @Test
    void missingRequiredKey() {
        ConfFixture.edit(batch, "quarantine: ../../out/quarantine/sensor-hourly\n", "");

        expectConfigError(
                () -> SpecLoader.load(batch), batch, "quarantine: required key is missing");
    }

    @Test
    void missingSourcePath() {
        ConfFixture.edit(
                batch,
                "source: {type: parquet, path: ../../data/sensor-events}",
                "source: {type: parquet}");

        expectConfigError(
                () -> SpecLoader.load(batch), batch, "source.path: required key is missing");
    }

    @Test
    void wrongTypeOfValue() {
        ConfFixture.edit(batch, "source: {type: parquet,", "source: {type: csv,");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "source.type: expected one of parquet, kafka, got 'csv'");
    }

    @Test
    void aListWhereAValueBelongs() {
        ConfFixture.edit(stream, "allowed_lateness: 0s", "allowed_lateness: [0s]");

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "allowed_lateness: expected a value, got a list");
    }

    @Test
    void badDuration() {
        ConfFixture.edit(stream, "max_out_of_orderness: 10s", "max_out_of_orderness: ten seconds");

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "watermark.max_out_of_orderness: expected a duration such as 250ms, 10s, 5min, 1h or 7d,"
                        + " got 'ten seconds'");
    }

    @Test
    void badStartPosition() {
        ConfFixture.edit(stream, "start: earliest", "start: beginning");

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "source.start: expected one of earliest, committed, latest, got 'beginning'");
    }

    @Test
    void onlyJsonIsSupportedOnKafka() {
        ConfFixture.edit(stream, "format: json}", "format: avro}");

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "source.format: expected one of json, got 'avro'");
    }

    @Test
    void unknownCompression() {
        ConfFixture.edit(
                batch,
                "partition_by: [window_date]}",
                "partition_by: [window_date], compression: brotli}");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "sink.compression: expected one of snappy, zstd, gzip, none, got 'brotli'");
    }

    @Test
    void invalidPipelineName() {
        ConfFixture.edit(batch, "name: sensor-hourly", "name: sensor hourly");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "name: 'sensor hourly' may use letters, digits, '.', '_' and '-' only");
    }

    @Test
    void eventTimeNotATimestamp() {
        ConfFixture.edit(batch, "event_time: timestamp", "event_time: device_id");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "event_time: column 'device_id' is string, not timestamp");
    }

    @Test
    void eventTimeNotRequired() {
        ConfFixture.edit(
                conf.contract("sensor_events"),
                "{name: timestamp, type: timestamp, required: true,",
                "{name: timestamp, type: timestamp, required: false,");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "event_time: column 'timestamp' must be required: true in contract sensor_events");
    }

    @Test
    void eventTimeNotAColumn() {
        ConfFixture.edit(batch, "event_time: timestamp", "event_time: ts");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "event_time: 'ts' is not a column of contract sensor_events",
                "(columns: id, type, timestamp, device_id, temperature_c, humidity_percent, location)");
    }

    @Test
    void dedupeKeyNotAColumn() {
        ConfFixture.edit(batch, "dedupe: {key: id,", "dedupe: {key: [device_id, uuid],");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "dedupe.key: 'uuid' is not a column of contract sensor_events");
    }

    @Test
    void dedupeKeyCannotBeANestedRow() {
        ConfFixture.edit(batch, "dedupe: {key: id,", "dedupe: {key: [device_id, location],");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "dedupe.key: 'location' is a nested row; name scalar columns of contract sensor_events");
    }

    @Test
    void dedupeWithoutKeyNeedsAPrimaryKey() {
        ConfFixture.edit(conf.contract("sensor_events"), "primary_key: [id]\n", "");
        ConfFixture.edit(batch, "dedupe: {key: id, retention: 1h}", "dedupe: {retention: 1h}");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "dedupe.key: missing, and contract sensor_events has no primary_key to default to");
    }

    @Test
    void dedupeRetentionShorterThanWatermarkLateness() {
        ConfFixture.edit(stream, "allowed_lateness: 0s", "allowed_lateness: 1min");
        ConfFixture.edit(
                stream, "dedupe: {key: id, retention: 1h}", "dedupe: {key: id, retention: 69s}");
        Duration lateness = Duration.ofSeconds(10).plus(Duration.ofMinutes(1));

        expectConfigError(
                () -> SpecLoader.load(stream),
                stream,
                "dedupe.retention: "
                        + Duration.ofSeconds(69)
                        + " is shorter than"
                        + " max_out_of_orderness + allowed_lateness ("
                        + lateness
                        + ")",
                "Raise it.");
    }

    @Test
    void missingContractFile() {
        ConfFixture.edit(
                batch,
                "contract: ../contracts/sensor_events.yaml",
                "contract: ../contracts/sensor_event.yaml");
        Path expected = conf.contract("sensor_event");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "contract: contract file " + expected + " does not exist");
    }

    @Test
    void missingOutputContractFile() {
        ConfFixture.edit(
                batch,
                "output_contract: ../contracts/sensor_hourly.yaml",
                "output_contract: hourly.yaml");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "output_contract: contract file "
                        + conf.root().resolve("pipelines/hourly.yaml")
                        + " does not exist");
    }

    @Test
    void anErrorInsideTheContractNamesTheContractFile() {
        Path contract = conf.contract("sensor_events");
        ConfFixture.edit(
                contract,
                "{name: humidity_percent, type: double",
                "{name: humidity_percent, type: dbl");

        expectConfigError(
                () -> SpecLoader.load(batch), contract, "columns[5].type: unknown type 'dbl'");
    }

    @Test
    void missingTransformFile() {
        ConfFixture.edit(
                batch,
                "transform: {file: ../sql/sensor-hourly.sql}",
                "transform: {file: ../sql/missing.sql}");

        expectConfigError(
                () -> SpecLoader.load(batch),
                batch,
                "transform.file: cannot read " + conf.root().resolve("sql/missing.sql"));
    }

    @Test
    void missingSpecFile() {
        Path missing = conf.pipeline("nope");

        expectConfigError(() -> SpecLoader.load(missing), missing, "file not found");
    }

    @Test
    void invalidYamlNamesTheLine() {
        ConfFixture.edit(batch, "event_time: timestamp", "event_time: timestamp\n  bad: indent");
        int line =
                1
                        + (int)
                                ConfFixture.read(batch)
                                        .lines()
                                        .takeWhile(l -> !l.contains("bad: indent"))
                                        .count();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecLoader.load(batch))
                .hasMessageStartingWith(batch + " (line " + line + "): not valid YAML");
    }
}
