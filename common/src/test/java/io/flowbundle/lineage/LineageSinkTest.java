package io.flowbundle.lineage;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.testing.CapturedLogs;
import io.flowbundle.testing.ConfFixture;
import io.flowbundle.testing.LineageServer;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.transports.ConsoleTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where events go, end to end through openlineage-java's transports: a real HTTP server on
 * loopback, the default JSON Lines file, and OpenLineage's own environment winning over our config.
 */
class LineageSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static SensorHourlyLineage sample;
    private static List<OpenLineage.RunEvent> events;

    @TempDir Path dir;
    private LineageServer server;

    @BeforeAll
    static void sampleEvents() {
        sample = new SensorHourlyLineage();
        events =
                List.of(
                        sample.lineage.start(sample.read, sample.outputs(false)),
                        sample.lineage.complete(
                                sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));
    }

    @BeforeEach
    void startServer() {
        server = LineageServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void httpTransportFromTheRuntimeConfigPostsSchemaValidEvents() throws Exception {
        RuntimeConfig config =
                config(
                        "lineage:\n  namespace: test-ns\n  transport: {type: http, url: "
                                + server.url()
                                + "}\n");

        try (LineageSink sink = LineageSink.create(config, Map.of())) {
            assertThat(sink.namespace()).isEqualTo("test-ns");
            assertThat(sink.describe())
                    .contains("http " + server.url())
                    .contains("lineage.transport");
            events.forEach(sink::emit);
        }

        List<LineageServer.Request> requests = server.await(2, WAIT);
        assertThat(requests)
                .hasSize(2)
                .allSatisfy(
                        r -> {
                            assertThat(r.method()).isEqualTo("POST");
                            assertThat(r.path()).isEqualTo("/api/v1/lineage");
                            assertThat(r.contentType()).startsWith("application/json");
                            assertThat(OpenLineageSchemas.validate(r.body())).isEmpty();
                        });
        assertThat(requests)
                .extracting(r -> json(r.body()).get("eventType").asText())
                .containsExactly("START", "COMPLETE");
        assertThat(requests)
                .extracting(r -> json(r.body()).at("/run/runId").asText())
                .containsOnly(sample.run.runId());
    }

    @Test
    void byDefaultEventsAreJsonLinesNextToTheAuditLog() throws IOException {
        RuntimeConfig config = config("");

        Path file;
        try (LineageSink sink = LineageSink.create(config, Map.of())) {
            file = Locations.toLocal(sink.file());
            events.forEach(sink::emit);
        }

        assertThat(file)
                .isEqualTo(dir.resolve("out/lineage/lineage.jsonl"))
                .isEqualTo(Locations.toLocal(LineageSink.defaultFile(config)));
        assertThat(file.getParent().getParent())
                .isEqualTo(config.auditLog().getParent().getParent());
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines)
                .allSatisfy(
                        line -> {
                            assertThat(json(line).isObject()).isTrue();
                            assertThat(OpenLineageSchemas.validate(line)).isEmpty();
                        });
        assertThat(lines)
                .extracting(line -> json(line).get("eventType").asText())
                .containsExactly("START", "COMPLETE");
    }

    @Test
    void openLineageVariablesWinOverTheRuntimeConfig() throws Exception {
        RuntimeConfig config =
                config("lineage:\n  transport: {type: http, url: " + server.url() + "}\n");

        List<String> printed = new ArrayList<>();
        try (CapturedLogs console = CapturedLogs.of(ConsoleTransport.class, Level.INFO);
                LineageSink sink =
                        LineageSink.create(
                                config, Map.of("OPENLINEAGE__TRANSPORT__TYPE", "console"))) {
            assertThat(sink.describe()).startsWith("console transport").contains("OPENLINEAGE__");
            sink.emit(events.get(0));
            console.lines().forEach(line -> printed.add(line.message()));
        }

        assertThat(printed)
                .singleElement()
                .satisfies(
                        line -> {
                            assertThat(json(line).at("/run/runId").asText())
                                    .isEqualTo(sample.run.runId());
                            assertThat(OpenLineageSchemas.validate(line)).isEmpty();
                        });
        assertThat(server.await(1, Duration.ofMillis(300)))
                .as("the configured http transport was not used")
                .isEmpty();
    }

    @Test
    void openLineageUrlWinsOverTheRuntimeConfigAndSendsTheApiKey() throws Exception {
        RuntimeConfig config =
                config("lineage:\n  transport: {type: file, location: lineage/from-conf.jsonl}\n");

        try (LineageSink sink =
                LineageSink.create(
                        config,
                        Map.of(
                                "OPENLINEAGE_URL",
                                server.url(),
                                "OPENLINEAGE_ENDPOINT",
                                "/lineage/events",
                                "OPENLINEAGE_API_KEY",
                                "s3cret"))) {
            assertThat(sink.describe())
                    .contains("http " + server.url())
                    .contains("OPENLINEAGE_URL");
            assertThat(sink.file()).isNull();
            sink.emit(events.get(1));
        }

        assertThat(server.await(1, WAIT))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.path()).isEqualTo("/lineage/events");
                            assertThat(r.authorization()).isEqualTo("Bearer s3cret");
                            assertThat(OpenLineageSchemas.validate(r.body())).isEmpty();
                        });
        assertThat(dir.resolve("conf/lineage/from-conf.jsonl")).doesNotExist();
    }

    @Test
    void aFileTransportInTheRuntimeConfigResolvesAgainstTheConfigFile() throws IOException {
        RuntimeConfig config =
                config("lineage:\n  transport: {type: file, location: ../lineage/events.jsonl}\n");

        try (LineageSink sink = LineageSink.create(config, Map.of())) {
            assertThat(Locations.toLocal(sink.file()))
                    .isEqualTo(dir.resolve("lineage/events.jsonl"));
            sink.emit(events.get(0));
        }

        assertThat(Files.readAllLines(dir.resolve("lineage/events.jsonl")))
                .singleElement()
                .satisfies(line -> assertThat(OpenLineageSchemas.validate(line)).isEmpty());
    }

    @Test
    void anUnreachableServerDoesNotFailTheEmitItLogsAWarning() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RuntimeConfig config =
                config(
                        "lineage:\n  transport: {type: http, url: 'http://127.0.0.1:"
                                + closedPort
                                + "', timeoutInMillis: 2000}\n");

        try (CapturedLogs warnings = CapturedLogs.of(LineageSink.class, Level.WARN);
                LineageSink sink = LineageSink.create(config, Map.of())) {
            assertThatCode(() -> sink.emit(events.get(0))).doesNotThrowAnyException();
            assertThat(warnings.lines())
                    .singleElement()
                    .satisfies(
                            line -> {
                                assertThat(line.level()).isEqualTo(Level.WARN);
                                assertThat(line.message())
                                        .contains(
                                                "START",
                                                sample.run.runId(),
                                                "not delivered",
                                                "127.0.0.1:" + closedPort);
                            });
        }
    }

    @Test
    void openLineageDisabledSendsNothing() throws Exception {
        RuntimeConfig config =
                config("lineage:\n  transport: {type: http, url: " + server.url() + "}\n");

        try (LineageSink sink =
                LineageSink.create(
                        config,
                        Map.of("OPENLINEAGE_DISABLED", "true", "OPENLINEAGE_URL", server.url()))) {
            sink.emit(events.get(0));
        }

        assertThat(server.await(1, Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void openLineageVariablesNestAndTakeJsonValues() {
        JsonNode tree =
                LineageSink.variables(
                        Map.of(
                                "OPENLINEAGE__TRANSPORT__TYPE", "http",
                                "OPENLINEAGE__TRANSPORT__AUTH__API_KEY", "k",
                                "OPENLINEAGE__TRANSPORT__TIMEOUT_IN_MILLIS", "5000",
                                "OPENLINEAGE_URL", "http://ignored",
                                "PATH", "/usr/bin"));

        assertThat(tree.toString())
                .isEqualTo(
                        "{\"transport\":{\"auth\":{\"apiKey\":\"k\"},\"timeoutInMillis\":5000,\"type\":\"http\"}}");
    }

    @Test
    void aTypoUnderLineageIsAConfigError() {
        RuntimeConfig config = config("lineage:\n  transprot: {type: console}\n");

        expectConfigError(
                () -> LineageSink.create(config, Map.of()),
                config.file(),
                "unknown key 'transprot'");
    }

    @Test
    void aTransportTheClientCannotBuildIsAConfigErrorNamingTheKey() {
        RuntimeConfig config = config("lineage:\n  transport: {type: http}\n");

        expectConfigError(
                () -> LineageSink.create(config, Map.of()), config.file(), "lineage.transport: ");
    }

    @Test
    void anOpenLineageConfigThatDoesNotExistIsAConfigError() {
        Path missing = dir.resolve("nowhere/openlineage.yml");

        expectConfigError(
                () ->
                        LineageSink.create(
                                config(""), Map.of("OPENLINEAGE_CONFIG", missing.toString())),
                missing,
                "OPENLINEAGE_CONFIG");
    }

    /**
     * conf/flowbundle.yaml in the temp folder with the audit log under out/ and {@code lineage}.
     */
    private RuntimeConfig config(String lineage) {
        Path file =
                ConfFixture.write(
                        dir.resolve("conf/flowbundle.yaml"),
                        "audit: {path: ../out/audit/audit.jsonl}\n" + lineage);
        return RuntimeConfig.load(file);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }
}
