package io.flowbundle.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How and where pipelines run, as opposed to what they do (the pipeline spec): the audit log, the
 * acting principal, Flink settings, lineage. Read from {@code conf/flowbundle.yaml} (or {@code
 * --config}); relative paths resolve against that file's folder.
 *
 * <pre>
 * audit: {path: ../out/audit/audit.jsonl}
 * actor: etl-bot                      # default: the OS user
 * flink:                              # any Flink option, passed through
 *   parallelism.default: 2
 *   execution.checkpointing.interval: 10s
 * lineage: {namespace: flowbundle}    # see docs/GOVERNANCE.md
 * kafka:                              # defaults of every Kafka source and sink
 *   properties: {security.protocol: SASL_SSL, sasl.jaas.config: "${file:kafka-jaas.conf}"}
 * </pre>
 *
 * @param kafkaProperties Kafka client properties every Kafka connector of a spec inherits (its own
 *     {@code properties:} win)
 */
public record RuntimeConfig(
        Path auditLog,
        String actor,
        Map<String, String> flink,
        ConfigNode lineage,
        Path file,
        Map<String, String> kafkaProperties) {

    public RuntimeConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** A config without Kafka defaults. */
    public RuntimeConfig(
            Path auditLog, String actor, Map<String, String> flink, ConfigNode lineage, Path file) {
        this(auditLog, actor, flink, lineage, file, Map.of());
    }

    /** This config with other Flink settings. */
    public RuntimeConfig withFlink(Map<String, String> newFlink) {
        return new RuntimeConfig(auditLog, actor, newFlink, lineage, file, kafkaProperties);
    }

    /**
     * Where a key of this config is, for error messages: {@code conf/flowbundle.yaml:
     * kafka.properties}.
     */
    public String describe(String keyPath) {
        return (file == null ? "(built-in defaults)" : file.toString()) + ": " + keyPath;
    }

    public static final String DEFAULT_LOCATION = "conf/flowbundle.yaml";

    /** Built-in settings for when no file exists: audit log under {@code out/audit}. */
    public static RuntimeConfig defaults() {
        return new RuntimeConfig(
                Path.of("out/audit/audit.jsonl").toAbsolutePath(), osUser(), Map.of(), null, null);
    }

    /** {@code explicit} if given, else {@code conf/flowbundle.yaml} if present, else defaults. */
    public static RuntimeConfig resolve(Path explicit) {
        if (explicit != null) {
            return load(explicit);
        }
        String fromEnv = System.getenv("FLOWBUNDLE_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return load(Path.of(fromEnv));
        }
        Path conventional = Path.of(DEFAULT_LOCATION);
        return Files.isRegularFile(conventional) ? load(conventional) : defaults();
    }

    public static RuntimeConfig load(Path file) {
        ConfigNode root = ConfigNode.load(file);
        root.allowOnly("audit", "actor", "flink", "lineage", "kafka");
        Path audit = defaults().auditLog();
        if (root.has("audit")) {
            ConfigNode node = root.get("audit");
            node.allowOnly("path");
            audit = node.get("path").path();
        }
        Map<String, String> flink = new LinkedHashMap<>();
        if (root.has("flink")) {
            for (Map.Entry<String, ConfigNode> entry : root.get("flink").entries()) {
                flink.put(entry.getKey(), entry.getValue().text());
            }
        }
        Map<String, String> kafka = new LinkedHashMap<>();
        if (root.has("kafka")) {
            ConfigNode node = root.get("kafka");
            node.allowOnly("properties");
            for (Map.Entry<String, ConfigNode> entry : node.get("properties").entries()) {
                kafka.put(entry.getKey(), entry.getValue().text());
            }
        }
        return new RuntimeConfig(
                audit,
                root.text("actor", osUser()),
                Map.copyOf(flink),
                root.find("lineage").orElse(null),
                root.file(),
                kafka);
    }

    public Optional<ConfigNode> lineageNode() {
        return Optional.ofNullable(lineage);
    }

    private static String osUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }
}
