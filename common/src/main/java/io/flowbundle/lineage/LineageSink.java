package io.flowbundle.lineage;

import io.flowbundle.config.ConfigNode;
import io.flowbundle.config.RuntimeConfig;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.openlineage.client.Clients;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.OpenLineageConfig;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where lineage events go. OpenLineage's own configuration wins, so a deployment that already
 * points other tools at Marquez works unchanged: {@code OPENLINEAGE_URL},
 * {@code OPENLINEAGE__TRANSPORT__*}, {@code OPENLINEAGE_CONFIG} or an {@code openlineage.yml}
 * (in the working directory or {@code ~/.openlineage/}), read by openlineage-java itself. Otherwise
 * the {@code lineage.transport} of {@code conf/flowbundle.yaml} (same shape as openlineage.yml's
 * {@code transport}); otherwise a JSON Lines file next to the audit log ({@code lineage.jsonl}).
 *
 * <p>Lineage never fails a pipeline: an event that cannot be delivered is logged and dropped.
 */
public final class LineageSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineageSink.class);
    public static final String DEFAULT_NAMESPACE = "flowbundle";

    private final OpenLineageClient client;
    private final String namespace;
    private final String description;
    private final Path file;

    private LineageSink(OpenLineageClient client, String namespace, String description, Path file) {
        this.client = client;
        this.namespace = namespace;
        this.description = description;
        this.file = file;
    }

    public static LineageSink create(RuntimeConfig config) {
        return create(config, System.getenv());
    }

    static LineageSink create(RuntimeConfig config, Map<String, String> env) {
        String namespace =
                env.getOrDefault(
                        "OPENLINEAGE_NAMESPACE",
                        config.lineageNode()
                                .map(node -> node.text("namespace", DEFAULT_NAMESPACE))
                                .orElse(DEFAULT_NAMESPACE));
        if (openLineageConfigured(env)) {
            return new LineageSink(Clients.newClient(), namespace, "OpenLineage configuration", null);
        }
        ConfigNode transport = config.lineageNode().flatMap(node -> node.find("transport")).orElse(null);
        if (transport != null) {
            String type = transport.get("type").choice("file", "console", "http", "kafka", "composite", "transform", "noop");
            Path location = null;
            String yaml;
            try {
                ObjectMapper yamlMapper = new ObjectMapper(new YAMLFactory());
                Map<String, Object> transportMap =
                        yamlMapper.convertValue(transport.raw(), new TypeReference<Map<String, Object>>() {});
                if (type.equals("file")) {
                    location = transport.get("location").path();
                    transportMap.put("location", location.toString());
                }
                yaml = yamlMapper.writeValueAsString(Map.of("transport", transportMap));
            } catch (Exception e) {
                throw transport.error("lineage.transport: " + e.getMessage());
            }
            OpenLineageConfig<?> parsed =
                    OpenLineageClientUtils.loadOpenLineageConfigYaml(
                            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                            new TypeReference<OpenLineageConfig<?>>() {});
            return new LineageSink(
                    Clients.newClient(parsed), namespace, type + " transport" + (location == null ? "" : " " + location), location);
        }
        Path location = defaultFile(config);
        return new LineageSink(
                new OpenLineageClient(new FileTransport(new FileConfig(location.toString()))),
                namespace,
                "file " + location,
                location);
    }

    /** The JSON Lines file next to the audit log, where events go when nothing else is configured. */
    public static Path defaultFile(RuntimeConfig config) {
        return config.auditLog().toAbsolutePath().getParent().resolveSibling("lineage").resolve("lineage.jsonl");
    }

    static boolean openLineageConfigured(Map<String, String> env) {
        if (env.containsKey("OPENLINEAGE_URL") || env.containsKey("OPENLINEAGE_CONFIG")) {
            return true;
        }
        for (String key : env.keySet()) {
            if (key.startsWith("OPENLINEAGE__")) {
                return true;
            }
        }
        return Files.isRegularFile(Path.of("openlineage.yml"))
                || Files.isRegularFile(Path.of(System.getProperty("user.home"), ".openlineage", "openlineage.yml"));
    }

    public String namespace() {
        return namespace;
    }

    /** The lineage log file, if events go to one. */
    public Path file() {
        return file;
    }

    public String describe() {
        return description;
    }

    public void emit(OpenLineage.RunEvent event) {
        try {
            client.emit(event);
        } catch (RuntimeException e) {
            LOG.warn(
                    "lineage event {} of run {} not delivered to {}: {}",
                    event.getEventType(),
                    event.getRun().getRunId(),
                    description,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("closing the lineage client failed: {}", e.getMessage());
        }
    }
}
