package io.flowbundle.testing;

import io.flowbundle.config.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker in the test JVM (Kafka's own server classes) with the listeners a
 * secured cluster has, one per test class: {@code @RegisterExtension static final
 * SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();}.
 *
 * <ul>
 *   <li>{@link Listener#SASL_SSL}: TLS with a certificate for 127.0.0.1/localhost signed by a CA
 *       made for this broker (JDK {@code keytool}), SCRAM-SHA-512;
 *   <li>{@link Listener#SASL_PLAINTEXT}: PLAIN;
 *   <li>a PLAINTEXT listener on loopback for the controller, inter-broker traffic and test setup
 *       ({@link #adminBootstrap()}).
 * </ul>
 *
 * <p>One user ({@link #user()}/{@link #password()}) exists on both SASL listeners: the SCRAM
 * credential is written into the bootstrap metadata when the storage is formatted, the PLAIN one is
 * in the listener's JAAS line. The password is random per broker and registered with {@link
 * Secrets}, so it is masked if it ever reaches a log line.
 */
public final class SecuredKafkaBroker implements BeforeAllCallback, AfterAllCallback {

    /** The SASL listeners a client can be pointed at. */
    public enum Listener {
        SASL_SSL("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        SASL_PLAINTEXT("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

        private final String mechanism;
        private final String loginModule;

        Listener(String mechanism, String loginModule) {
            this.mechanism = mechanism;
            this.loginModule = loginModule;
        }

        public String mechanism() {
            return mechanism;
        }
    }

    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String user = "flowbundle-test";
    private final String password = "pw-" + UUID.randomUUID();
    private final String storePassword = "store-" + UUID.randomUUID();
    private final Map<Listener, Integer> ports = new LinkedHashMap<>();
    private int internalPort;
    private Path dir;
    private Path truststore;
    private KafkaRaftServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Secrets.register(password);
        Secrets.register(storePassword);
        dir = Files.createTempDirectory("secured-kafka");
        Path keystore = makeCertificates(dir.resolve("tls"));
        for (Listener listener : Listener.values()) {
            ports.put(listener, freePort());
        }
        internalPort = freePort();
        int controllerPort = freePort();
        Path logDir = dir.resolve("data");
        Properties config = brokerConfig(keystore, logDir, controllerPort);

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setScramArguments(
                        List.of("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]"))
                .run();
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    private Properties brokerConfig(Path keystore, Path logDir, int controllerPort) {
        int sslPort = ports.get(Listener.SASL_SSL);
        int plainPort = ports.get(Listener.SASL_PLAINTEXT);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put(
                "listeners",
                "INTERNAL://127.0.0.1:"
                        + internalPort
                        + ",SASL_SSL://127.0.0.1:"
                        + sslPort
                        + ",SASL_PLAINTEXT://127.0.0.1:"
                        + plainPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.put(
                "advertised.listeners",
                "INTERNAL://127.0.0.1:"
                        + internalPort
                        + ",SASL_SSL://127.0.0.1:"
                        + sslPort
                        + ",SASL_PLAINTEXT://127.0.0.1:"
                        + plainPort);
        p.put(
                "listener.security.protocol.map",
                "INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put(
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                Listener.SASL_SSL.loginModule + " required;");
        p.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
        p.put(
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                Listener.SASL_PLAINTEXT.loginModule
                        + " required user_"
                        + user
                        + "=\""
                        + password
                        + "\";");
        p.put("listener.name.sasl_ssl.ssl.keystore.location", keystore.toString());
        p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
        p.put("listener.name.sasl_ssl.ssl.keystore.password", storePassword);
        p.put("listener.name.sasl_ssl.ssl.key.password", storePassword);
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        return p;
    }

    /**
     * A CA, a broker key with a certificate for 127.0.0.1 and localhost signed by it (the broker's
     * PKCS12 keystore, returned) and a truststore holding only the CA certificate.
     */
    private Path makeCertificates(Path tls) throws IOException, InterruptedException {
        Files.createDirectories(tls);
        String ca = tls.resolve("ca.p12").toString();
        String broker = tls.resolve("broker.p12").toString();
        String csr = tls.resolve("broker.csr").toString();
        String signed = tls.resolve("broker.crt").toString();
        String caCert = tls.resolve("ca.crt").toString();
        truststore = tls.resolve("truststore.p12");
        String san = "SAN=ip:127.0.0.1,dns:localhost";
        keytool(
                tls,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=flowbundle test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca,
                "-storetype",
                "PKCS12");
        keytool(tls, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caCert);
        keytool(
                tls,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                san,
                "-validity",
                "2",
                "-keystore",
                broker,
                "-storetype",
                "PKCS12");
        keytool(tls, "-certreq", "-alias", "broker", "-keystore", broker, "-file", csr);
        keytool(
                tls,
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca,
                "-infile",
                csr,
                "-outfile",
                signed,
                "-ext",
                san,
                "-validity",
                "2");
        keytool(
                tls,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCert,
                "-keystore",
                broker);
        keytool(
                tls,
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                signed,
                "-keystore",
                broker);
        keytool(
                tls,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCert,
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12");
        return Path.of(broker);
    }

    /** Runs the JDK's keytool; the store password goes in through the environment, not argv. */
    private void keytool(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass:env", "FLOWBUNDLE_STORE_PASS"));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass:env", "FLOWBUNDLE_STORE_PASS"));
        }
        Path output = workDir.resolve("keytool.out");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().put("FLOWBUNDLE_STORE_PASS", storePassword);
        Process process = builder.start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT);
            }
        } finally {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "keytool "
                            + args[0]
                            + " failed: "
                            + Secrets.redact(Files.readString(output, StandardCharsets.UTF_8)));
        }
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminProperties())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(
                "the secured broker was not ready within " + READY_TIMEOUT, last);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    public String bootstrap(Listener listener) {
        return "127.0.0.1:" + ports.get(listener);
    }

    /** The PLAINTEXT listener, for test setup only (creating topics, reading results). */
    public String adminBootstrap() {
        return "127.0.0.1:" + internalPort;
    }

    public Path truststore() {
        return truststore;
    }

    public String truststorePassword() {
        return storePassword;
    }

    public String truststoreType() {
        return "PKCS12";
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /**
     * What a Kafka client needs to connect over {@code listener} as {@link #user()}: bootstrap
     * servers, security protocol, SASL mechanism and JAAS line, and for SASL_SSL the truststore.
     */
    public Map<String, String> clientProperties(Listener listener) {
        return clientProperties(listener, password);
    }

    /** As {@link #clientProperties(Listener)} with another password (for tests of a wrong one). */
    public Map<String, String> clientProperties(Listener listener, String withPassword) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(listener));
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener.name());
        props.put(SaslConfigs.SASL_MECHANISM, listener.mechanism);
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                listener.loginModule
                        + " required username=\""
                        + user
                        + "\" password=\""
                        + withPassword
                        + "\";");
        if (listener == Listener.SASL_SSL) {
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
            props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, storePassword);
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, truststoreType());
        }
        return props;
    }

    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private Map<String, Object> adminProperties() {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
