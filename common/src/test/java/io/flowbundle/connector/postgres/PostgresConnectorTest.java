package io.flowbundle.connector.postgres;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.connector.Connectors;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.contract.Violation;
import io.flowbundle.operators.Rejected;
import io.flowbundle.operators.Timestamps;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgres sink's options, its errors, the table-shape decision and how rows become documents.
 */
class PostgresConnectorTest {

    private static final String PASSWORD = "s3cret-pg-Passw0rd";
    private static final String STAGING =
            "staging: {path: ../../out/staging/sensor-events, partition_by: [date]}";

    @TempDir Path dir;

    private Path spec;

    @BeforeEach
    void copyConf() {
        spec = ConfFixture.copyTo(dir).pipeline("sensor-hourly");
    }

    private PipelineSpec load(String staging) {
        ConfFixture.edit(spec, STAGING, staging);
        return SpecLoader.load(spec, Map.of("PG_PASSWORD", PASSWORD)::get);
    }

    @Test
    void aStagingTableWithItsPasswordByReferenceAndTheDefaults() {
        PipelineSpec loaded =
                load(
                        "staging: {type: postgres, url: 'jdbc:postgresql://127.0.0.1:5433/flowbundle',"
                                + " table: sensor_events, user: loader, password: '${env:PG_PASSWORD}'}");

        PostgresSinkSpec sink = (PostgresSinkSpec) loaded.staging();
        assertThat(sink.target())
                .isEqualTo(
                        new PostgresTarget(
                                "jdbc:postgresql://127.0.0.1:5433/flowbundle",
                                "127.0.0.1",
                                5433,
                                "flowbundle",
                                "public",
                                "sensor_events"));
        assertThat(sink.user()).isEqualTo("loader");
        assertThat(sink.password()).isEqualTo(PASSWORD);
        assertThat(sink.batchSize()).isEqualTo(500);
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(sink.describe()).isEqualTo("postgres://127.0.0.1:5433/flowbundle/sensor_events");
        assertThat(sink.dataset().toString())
                .isEqualTo("postgres://127.0.0.1:5433:flowbundle.public.sensor_events");
        assertThat(sink.retainedFolder()).isEmpty();
        assertThat(sink.toString()).doesNotContain(PASSWORD).contains("password=******");
    }

    @Test
    void aSchemaQualifiedTableAndTheDefaultPortAsSinkAndQuarantine() {
        ConfFixture.edit(
                spec,
                "sink: {type: parquet, path: ../../out/sensor-hourly, partition_by: [window_date]}",
                "sink: {type: postgres, url: 'jdbc:postgresql://db.example:5432/dw?sslmode=require', table: curated.hourly,"
                        + " batch_size: 50, flush_interval: 200 ms}");
        ConfFixture.edit(
                spec,
                "quarantine: ../../out/quarantine/sensor-hourly",
                "quarantine: {type: postgres, url: 'jdbc:postgresql://db.example/dw', table: rejected}");
        PipelineSpec loaded = SpecLoader.load(spec);

        PostgresSinkSpec sink = (PostgresSinkSpec) loaded.sinks().get(0);
        assertThat(sink.target().qualifiedTable()).isEqualTo("curated.hourly");
        assertThat(sink.describe()).isEqualTo("postgres://db.example:5432/dw/curated.hourly");
        assertThat(sink.dataset().name()).isEqualTo("dw.curated.hourly");
        assertThat(sink.batchSize()).isEqualTo(50);
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofMillis(200));
        PostgresSinkSpec quarantine = (PostgresSinkSpec) loaded.quarantine();
        assertThat(quarantine.target().server()).isEqualTo("db.example:5432");
        assertThat(quarantine.user()).isEqualTo("postgres");
        assertThat(quarantine.password()).isNull();
    }

    @Test
    void theConnectorIsASinkNotASource() {
        PostgresConnector connector = (PostgresConnector) Connectors.find("postgres").orElseThrow();
        assertThat(connector.options(Role.SOURCE)).isEmpty();
        for (Role role : List.of(Role.SINK, Role.STAGING, Role.QUARANTINE)) {
            assertThat(connector.options(role))
                    .get()
                    .satisfies(
                            options ->
                                    assertThat(options.keys())
                                            .containsExactly(
                                                    "type",
                                                    "url",
                                                    "table",
                                                    "user",
                                                    "password",
                                                    "batch_size",
                                                    "flush_interval"));
        }
    }

    @Test
    void unknownAndMissingKeysAreNamed() {
        ConfFixture.edit(
                spec,
                STAGING,
                "staging: {type: postgres, url: 'jdbc:postgresql://h/db', table: t, passwd: x}");
        expectConfigError(
                () -> SpecLoader.load(spec),
                spec,
                "unknown key 'passwd' in staging",
                "did you mean 'password'",
                "known keys: type, url, table, user, password, batch_size, flush_interval");

        ConfFixture.edit(spec, "table: t, passwd: x}", "batch_size: 10}");
        expectConfigError(() -> SpecLoader.load(spec), spec, "staging", "table");
    }

    @Test
    void aUrlOrTableThatCannotWorkIsAnErrorNamingItsKey() {
        ConfFixture.edit(
                spec, STAGING, "staging: {type: postgres, url: 'postgres://h/db', table: t}");
        expectConfigError(
                () -> SpecLoader.load(spec),
                spec,
                "staging.url",
                "jdbc:postgresql://HOST[:PORT]/DB");

        ConfFixture.edit(
                spec,
                "url: 'postgres://h/db'",
                "url: 'jdbc:postgresql://h/db?user=u&password=" + PASSWORD + "'");
        String message =
                expectConfigError(
                        () -> SpecLoader.load(spec), spec, "staging.url", "password keys");
        assertThat(message).doesNotContain(PASSWORD);

        ConfFixture.edit(
                spec,
                "url: 'jdbc:postgresql://h/db?user=u&password=" + PASSWORD + "'",
                "url: 'jdbc:postgresql://h/db'");
        ConfFixture.edit(spec, "table: t}", "table: 'Sensor Events'}");
        expectConfigError(() -> SpecLoader.load(spec), spec, "staging.table", "lower-case");

        ConfFixture.edit(spec, "table: 'Sensor Events'}", "table: t, batch_size: 0}");
        expectConfigError(() -> SpecLoader.load(spec), spec, "staging.batch_size", "at least 1");
    }

    @Test
    void sinksOfOneServerAndUserShareOnePreflightCheck() {
        ConfFixture.edit(
                spec,
                "quarantine: ../../out/quarantine/sensor-hourly",
                "quarantine: {type: postgres, url: 'jdbc:postgresql://127.0.0.1/db', table: rejected}");
        PipelineSpec loaded =
                load(
                        "staging: {type: postgres, url: 'jdbc:postgresql://127.0.0.1/db', table: landed}");

        Preflight preflight = new Preflight(Duration.ofSeconds(1));
        loaded.quarantine().preflight(preflight, "quarantine");
        loaded.staging().preflight(preflight, "staging");

        assertThat(preflight.checks()).hasSize(1);
    }

    @Test
    void aTableIsADocumentsTableWhenItHasEveryColumnWithItsTypeAndAUniqueId() {
        assertThat(PostgresTable.problems(PostgresTable.COLUMNS, true)).isEmpty();

        Map<String, String> extra = new java.util.HashMap<>(PostgresTable.COLUMNS);
        extra.put("note", "text");
        assertThat(PostgresTable.problems(extra, true)).isEmpty();

        Map<String, String> other = new java.util.LinkedHashMap<>(PostgresTable.COLUMNS);
        other.remove("doc");
        other.put("id", "integer");
        assertThat(PostgresTable.problems(other, true))
                .containsExactly("column id is integer, not text", "no column doc");

        assertThat(PostgresTable.problems(PostgresTable.COLUMNS, false))
                .containsExactly("id is not its primary key (nor unique)");
        assertThat(PostgresTable.problems(Map.of(), false)).hasSize(6);
    }

    @Test
    void aShapeErrorIsOneLineNamingTheKeyTheTableAndWhatToDo() {
        PostgresTarget target =
                new PostgresTarget("jdbc:postgresql://h:5/db", "h", 5, "db", "public", "t");
        String message =
                PostgresPreflight.shapeError(
                        "spec.yaml",
                        new PostgresPreflight.Table("staging", target),
                        List.of("no column doc"));
        assertThat(message)
                .startsWith(
                        "spec.yaml: staging.table: table public.t on h:5/db is not a documents table (no column doc)")
                .contains("name another table")
                .doesNotContain("\n");
    }

    @Test
    void aRecordIsADocumentWithItsPrimaryKeyAsIdAndItsEventTime() throws Exception {
        PipelineSpec loaded =
                load("staging: {type: postgres, url: 'jdbc:postgresql://h/db', table: t}");
        SinkContext context =
                new SinkContext(
                        loaded,
                        RunInfo.start(RunInfo.Mode.BATCH, null),
                        new PipelineSpec.DeclaredSink("staging", Role.STAGING, 0, loaded.staging()),
                        loaded.contract().rowType(loaded.eventTime()));
        PostgresDocuments documents = PostgresDocuments.of(context);
        Instant at = Instant.parse("2026-11-01T10:01:30.250Z");
        GenericRowData row =
                GenericRowData.of(
                        StringData.fromString("evt-1"),
                        StringData.fromString("reading"),
                        Timestamps.fromMicros(at.toEpochMilli() * 1000),
                        StringData.fromString("dev-7"),
                        21.5,
                        null,
                        GenericRowData.of(
                                StringData.fromString("r1"), StringData.fromString("b2")));

        PostgresDocuments.Document document = documents.document(row);

        assertThat(document.id()).isEqualTo("evt-1");
        assertThat(document.eventTime()).isEqualTo(OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        assertThat(document.source()).isEqualTo(loaded.source().describe());
        JsonNode doc = new ObjectMapper().readTree(document.json());
        assertThat(doc.get("location").get("room").asText()).isEqualTo("r1");
        assertThat(doc.get("timestamp").asText()).isEqualTo("2026-11-01T10:01:30.250Z");
        assertThat(doc.get("humidity_percent").isNull()).isTrue();
    }

    @Test
    void aRejectedRecordIsKeyedByRunStageAndSourcePosition() throws Exception {
        PipelineSpec loaded =
                load("staging: {type: postgres, url: 'jdbc:postgresql://h/db', table: t}");
        SinkContext context =
                new SinkContext(
                        loaded,
                        RunInfo.start(RunInfo.Mode.STREAMING, null),
                        new PipelineSpec.DeclaredSink(
                                "quarantine", Role.QUARANTINE, 0, loaded.quarantine()),
                        Rejected.TYPE);
        PostgresDocuments documents = PostgresDocuments.of(context);
        Violation range =
                new Violation("range", "temperature_c", "temperature_c: 150.0 is above 100");

        PostgresDocuments.Document kafka =
                documents.document(
                        Rejected.of(
                                "run-1",
                                "p",
                                Rejected.STAGE_INPUT,
                                range,
                                "kafka://h:9092/t",
                                2,
                                41L,
                                "{\"id\":\"e\"}"));
        PostgresDocuments.Document parquet =
                documents.document(
                        Rejected.of(
                                "run-1",
                                "p",
                                Rejected.STAGE_INPUT,
                                range,
                                "/data/in",
                                null,
                                null,
                                "{\"id\":\"e\"}"));

        assertThat(kafka.id()).isEqualTo("run-1/input/kafka://h:9092/t/2/41");
        assertThat(kafka.source()).isEqualTo("kafka://h:9092/t/2/41");
        assertThat(kafka.eventTime()).isNull();
        assertThat(new ObjectMapper().readTree(kafka.json()).get("reason").asText())
                .contains("above 100");
        assertThat(parquet.id())
                .startsWith("run-1/input//data/in/")
                .hasSize("run-1/input//data/in/".length() + 32);
        assertThat(parquet.source()).isEqualTo("/data/in");
    }
}
