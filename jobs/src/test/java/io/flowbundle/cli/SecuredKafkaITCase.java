package io.flowbundle.cli;

import static io.flowbundle.testing.SecuredKafkaBroker.Listener.SASL_PLAINTEXT;
import static io.flowbundle.testing.SecuredKafkaBroker.Listener.SASL_SSL;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.Secrets;
import io.flowbundle.jobs.StreamRun;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.CapturedLogs;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SecuredKafkaBroker;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines against a broker that wants credentials (SASL_SSL with SCRAM-SHA-512 and a CA made for
 * the test, SASL_PLAINTEXT with PLAIN): Kafka client properties in the spec and in
 * conf/flowbundle.yaml, the password by reference, and the password nowhere in what the run wrote
 * or logged.
 */
class SecuredKafkaITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();

    private static DuckDb duck;

    @BeforeAll
    static void startOracle() {
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void theStreamingPipelineRunsOverSaslSslWithThePasswordFromTheEnvironmentAndLeavesItNowhere(
            @TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(11)
                        .withEvents(4_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path parquetInput = dir.resolve("parquet");
        SampleData.writeParquet(parquetInput, settings, "snappy");
        KAFKA.createTopic("secure", 2);
        KafkaBroker.produce(
                KAFKA.clientProperties(SASL_SSL),
                "secure",
                SensorTopics.generate(settings).records());
        Path file = securedSpec(dir, "secure", "${env:KAFKA_PASSWORD}");
        Map<String, String> environment =
                Map.of(
                        "KAFKA_PASSWORD",
                        KAFKA.password(),
                        "TRUSTSTORE_PASSWORD",
                        KAFKA.truststorePassword());
        PipelineSpec spec = SpecLoader.load(file, environment::get);

        StreamRun.Summary summary;
        List<String> logged = new ArrayList<>();
        try (CapturedLogs flowbundle = CapturedLogs.of("io.flowbundle", Level.DEBUG);
                CapturedLogs flink = CapturedLogs.of("org.apache.flink", Level.INFO);
                CapturedLogs kafka = CapturedLogs.of("org.apache.kafka", Level.INFO)) {
            summary =
                    new StreamRun(spec, TestPipelines.streaming(dir), true, Duration.ofSeconds(2))
                            .run();
            for (CapturedLogs logs : List.of(flowbundle, flink, kafka)) {
                logs.lines().forEach(line -> logged.add(line.message()));
            }
        }

        SensorOracle.assertSameResults(
                duck,
                SensorOracle.results(dir.resolve("stream/hourly")),
                SensorOracle.expected(parquetInput + "/**/*.parquet"));
        SensorOracle.assertSameResults(
                duck,
                SensorTopics.results(
                        KafkaBroker.readCommitted(KAFKA.adminBootstrap(), "secure-out"),
                        dir.resolve("out.jsonl")),
                SensorOracle.expected(parquetInput + "/**/*.parquet"));
        assertThat(summary.counts().reconciles()).isTrue();
        assertThat(summary.counts().rejectedOnInput()).isPositive();
        assertThat(KafkaBroker.readCommitted(KAFKA.adminBootstrap(), "secure-dlq")).isNotEmpty();
        assertThat(logged).as("the run logged").isNotEmpty();
        // the audit says which client properties were set, secrets masked
        AuditRecord closing =
                new AuditLog(dir.resolve("audit/audit.jsonl"))
                        .read().stream()
                                .filter(
                                        r ->
                                                r.runId().equals(summary.run().runId())
                                                        && r.step().equals("run")
                                                        && !r.status().equals(AuditRecord.RUNNING))
                                .findFirst()
                                .orElseThrow();
        assertThat(closing.settings())
                .containsEntry("source.properties.security.protocol", "SASL_SSL")
                .containsEntry("source.properties.sasl.jaas.config", Secrets.MASK)
                .containsEntry("sink[0].properties.ssl.truststore.password", Secrets.MASK)
                .containsEntry("quarantine.properties.sasl.mechanism", "SCRAM-SHA-512");
        for (String secret : List.of(KAFKA.password(), KAFKA.truststorePassword())) {
            assertThat(logged).noneMatch(line -> line.contains(secret));
            assertThat(filesContaining(dir, secret))
                    .as("files the run wrote that hold a secret")
                    .isEmpty();
        }
    }

    @Test
    void produceWritesOverSaslWithCredentialsFromTheConfigFile(@TempDir Path dir) throws Exception {
        KAFKA.createTopic("produced", 2);
        Path password = TestPipelines.write(dir.resolve("kafka-password"), KAFKA.password() + "\n");
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: "
                                + dir.resolve("audit/audit.jsonl")
                                + "}\n"
                                + "kafka:\n"
                                + "  properties:\n"
                                + "    security.protocol: SASL_PLAINTEXT\n"
                                + "    sasl.mechanism: PLAIN\n"
                                + "    sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\""
                                + KAFKA.user()
                                + "\" password=\"${file:"
                                + password
                                + "}\";'\n");

        Cli produced =
                Cli.run(
                        "produce",
                        "--topic",
                        "produced",
                        "--bootstrap",
                        KAFKA.bootstrap(SASL_PLAINTEXT),
                        "--generate",
                        "300",
                        "--config",
                        config.toString());

        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.out()).contains("produced 300 records to produced");
        assertThat(KafkaBroker.readCommitted(KAFKA.adminBootstrap(), "produced")).hasSize(300);
        assertThat(produced.out() + produced.err()).doesNotContain(KAFKA.password());
    }

    @Test
    void aWrongPasswordStopsTheRunWithinThirtySecondsInOneLineNamingTheSpecAndTheBroker(
            @TempDir Path dir) throws Exception {
        KAFKA.createTopic("wrong-password", 1);
        String wrong = "not-the-password-" + System.nanoTime();
        Path file = securedSpec(dir, "wrong-password", wrong);

        long started = System.nanoTime();
        Cli run = Cli.run("stream", "--pipeline", file.toString(), "--bounded");

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("error: " + file)
                .contains("Kafka at " + KAFKA.bootstrap(SASL_SSL) + " refused the connection")
                .contains("the credentials were refused")
                .doesNotContain(wrong);
    }

    @Test
    void anUntrustedBrokerCertificateStopsTheRunLikewise(@TempDir Path dir) throws Exception {
        KAFKA.createTopic("untrusted", 1);
        Path file = securedSpec(dir, "untrusted", KAFKA.password());
        // the JVM's own CA certificates do not include the test's CA
        String spec =
                TestPipelines.read(file)
                        .replaceAll(
                                ", ssl.truststore.location: [^,]+, ssl.truststore.password: [^,]+, ssl.truststore.type: PKCS12",
                                "");
        TestPipelines.write(file, spec);

        long started = System.nanoTime();
        Cli run = Cli.run("stream", "--pipeline", file.toString(), "--bounded");

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("error: " + file)
                .contains("Kafka at " + KAFKA.bootstrap(SASL_SSL) + " refused the connection")
                .contains("the TLS handshake failed");
    }

    /**
     * The sensor-hourly streaming spec over the SASL_SSL listener, every Kafka connector with
     * credentials.
     */
    private static Path securedSpec(Path dir, String topic, String password) {
        Path file = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(SASL_SSL), topic);
        String properties =
                ", properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512,"
                        + " sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\""
                        + KAFKA.user()
                        + "\" password=\""
                        + password
                        + "\";'"
                        + ", ssl.truststore.location: "
                        + KAFKA.truststore()
                        + ", ssl.truststore.password: '${env:TRUSTSTORE_PASSWORD}', ssl.truststore.type: PKCS12}";
        String spec =
                TestPipelines.read(file)
                        .replace(
                                "bootstrap: '" + KAFKA.bootstrap(SASL_SSL) + "'",
                                "bootstrap: '" + KAFKA.bootstrap(SASL_SSL) + "'" + properties);
        if (!password.startsWith("${")) {
            spec =
                    spec.replace(
                            "'${env:TRUSTSTORE_PASSWORD}'", "'" + KAFKA.truststorePassword() + "'");
        }
        return TestPipelines.write(file, spec);
    }

    /** Every file below {@code dir} whose bytes contain {@code secret}. */
    private static List<Path> filesContaining(Path dir, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (path.getFileName().toString().equals("stream-spec.yaml")) {
                    continue; // the spec names the variable, not the value; checked below anyway
                }
                if (indexOf(Files.readAllBytes(path), needle) >= 0) {
                    found.add(path);
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
