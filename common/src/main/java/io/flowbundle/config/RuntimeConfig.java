package io.flowbundle.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How and where pipelines run, as opposed to what they do (the pipeline spec): the audit log, the
 * acting principal, Flink settings, lineage. Read from {@code conf/flowbundle.yaml} (or
 * {@code --config}); relative paths resolve against that file's folder.
 *
 * <pre>
 * audit: {path: ../out/audit/audit.jsonl}
 * actor: etl-bot                      # default: the OS user
 * flink:                              # any Flink option, passed through
 *   parallelism.default: 2
 *   execution.checkpointing.interval: 10s
 * lineage: {namespace: flowbundle}    # see docs/GOVERNANCE.md
 * </pre>
 */
public record RuntimeConfig(
        Path auditLog, String actor, Map<String, String> flink, ConfigNode lineage, Path file) {

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
        root.allowOnly("audit", "actor", "flink", "lineage");
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
        return new RuntimeConfig(
                audit,
                root.text("actor", osUser()),
                Map.copyOf(flink),
                root.find("lineage").orElse(null),
                root.file());
    }

    public Optional<ConfigNode> lineageNode() {
        return Optional.ofNullable(lineage);
    }

    private static String osUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }
}
