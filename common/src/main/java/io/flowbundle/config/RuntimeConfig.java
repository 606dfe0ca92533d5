package io.flowbundle.config;

import io.flowbundle.fs.Locations;
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
 * audit: {path: ../out/audit/audit.jsonl}   # or s3://bucket/audit (one object per append)
 * actor: etl-bot                      # default: the OS user
 * flink:                              # any Flink option, passed through
 *   parallelism.default: 2
 *   execution.checkpointing.interval: 10s
 * lineage: {namespace: flowbundle}    # see docs/GOVERNANCE.md
 * kafka:                              # defaults of every Kafka source and sink
 *   properties: {security.protocol: SASL_SSL, sasl.jaas.config: "${file:kafka-jaas.conf}"}
 * </pre>
 *
 * @param audit where the audit log is: a local file, or a prefix on object storage
 * @param kafkaProperties Kafka client properties every Kafka connector of a spec inherits (its own
 *     {@code properties:} win)
 */
public record RuntimeConfig(
        org.apache.flink.core.fs.Path audit,
        String actor,
        Map<String, String> flink,
        ConfigNode lineage,
        Path file,
        Map<String, String> kafkaProperties) {

    public RuntimeConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** A config without Kafka defaults, its audit log in a local file. */
    public RuntimeConfig(
            Path auditLog, String actor, Map<String, String> flink, ConfigNode lineage, Path file) {
        this(Locations.local(auditLog), actor, flink, lineage, file, Map.of());
    }

    /** This config with other Flink settings. */
    public RuntimeConfig withFlink(Map<String, String> newFlink) {
        return new RuntimeConfig(audit, actor, newFlink, lineage, file, kafkaProperties);
    }

    /** The audit log's local file ({@link #audit} must be on the local disk). */
    public Path auditLog() {
        return Locations.toLocal(audit);
    }

    /** The audit log as people name it: a local path, or its URI. */
    public String describeAudit() {
        return Locations.describe(audit);
    }

    /**
     * The folder that holds the audit log's folder ({@code out/} for {@code out/audit/audit.jsonl},
     * {@code s3://lake/} for {@code s3://lake/audit/audit.jsonl}): the lineage file and the run
     * logs default to siblings of the audit folder there.
     */
    public org.apache.flink.core.fs.Path auditBase() {
        org.apache.flink.core.fs.Path folder = audit.getParent();
        org.apache.flink.core.fs.Path base = folder == null ? null : folder.getParent();
        return base == null ? folder : base;
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
        org.apache.flink.core.fs.Path audit = defaults().audit();
        if (root.has("audit")) {
            ConfigNode node = root.get("audit");
            node.allowOnly("path");
            ConfigNode path = node.get("path");
            // not checked against the file systems yet: they are initialized with this file's
            // flink: settings (RuntimeOptions checks it then)
            audit =
                    Locations.parse(
                            path.text(), path.baseDir(), path.file() + ": " + path.keyPath());
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
