package io.flowbundle.lineage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowbundle.config.ConfigException;
import io.flowbundle.config.ConfigNode;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.AppendOnlyLog;
import io.flowbundle.fs.Locations;
import io.openlineage.client.Clients;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.OpenLineageConfig;
import io.openlineage.client.transports.ConsoleConfig;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.NoopTransport;
import io.openlineage.client.transports.Transport;
import io.openlineage.client.transports.TransportConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where lineage events go. OpenLineage's own configuration wins, so a deployment that already
 * points other tools at Marquez works unchanged, in openlineage-java's order:
 *
 * <ol>
 *   <li>{@code OPENLINEAGE_DISABLED=true}: nothing is sent;
 *   <li>a config file: {@code OPENLINEAGE_CONFIG}, else {@code openlineage.yml} in the working
 *       directory, else {@code ~/.openlineage/openlineage.yml};
 *   <li>{@code OPENLINEAGE__*} variables ({@code OPENLINEAGE__TRANSPORT__TYPE=http}, {@code
 *       OPENLINEAGE__TRANSPORT__URL=...}: the file's keys, nested with {@code __});
 *   <li>{@code OPENLINEAGE_URL} (with {@code OPENLINEAGE_ENDPOINT}, {@code OPENLINEAGE_API_KEY}):
 *       HTTP to that server, the short form Marquez and the Python client document, which
 *       openlineage-java itself does not read.
 * </ol>
 *
 * Otherwise the {@code lineage.transport} of {@code conf/flowbundle.yaml} (same shape as
 * openlineage.yml's {@code transport}); otherwise a JSON Lines file next to the audit log ({@link
 * #defaultFile}).
 *
 * <p>The environment is read here, from the map given to {@link #create(RuntimeConfig, Map)}, not
 * by openlineage-java, so what decides the transport is one place (and testable).
 *
 * <p>Lineage never fails a pipeline: an event that cannot be delivered is logged and dropped.
 */
public final class LineageSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineageSink.class);
    public static final String DEFAULT_NAMESPACE = "flowbundle";
    private static final String ENV_PREFIX = "OPENLINEAGE__";
    private static final TypeReference<OpenLineageConfig<?>> CONFIG_TYPE = new TypeReference<>() {};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final OpenLineageClient client;
    private final String namespace;
    private final String description;
    private final org.apache.flink.core.fs.Path file;

    private LineageSink(
            OpenLineageClient client,
            String namespace,
            String description,
            org.apache.flink.core.fs.Path file) {
        this.client = client;
        this.namespace = namespace;
        this.description = description;
        this.file = file;
    }

    public static LineageSink create(RuntimeConfig config) {
        return create(config, System.getenv());
    }

    /**
     * @param env the process environment (a map, so tests can choose it)
     */
    static LineageSink create(RuntimeConfig config, Map<String, String> env) {
        ConfigNode lineage = config.lineageNode().orElse(null);
        if (lineage != null) {
            lineage.allowOnly("namespace", "transport");
        }
        String namespace =
                env.getOrDefault(
                        "OPENLINEAGE_NAMESPACE",
                        lineage == null
                                ? DEFAULT_NAMESPACE
                                : lineage.text("namespace", DEFAULT_NAMESPACE));
        if (Boolean.parseBoolean(env.get("OPENLINEAGE_DISABLED"))) {
            return new LineageSink(
                    OpenLineageClient.builder().transport(new NoopTransport()).build(),
                    namespace,
                    "nowhere (OPENLINEAGE_DISABLED)",
                    null);
        }
        Path openLineageFile = openLineageFile(env);
        if (openLineageFile != null) {
            try {
                OpenLineageConfig<?> parsed =
                        OpenLineageClientUtils.loadOpenLineageConfigYaml(
                                () -> List.of(openLineageFile), CONFIG_TYPE);
                return of(parsed, namespace, "OpenLineage config " + openLineageFile);
            } catch (RuntimeException e) {
                throw new ConfigException(
                        openLineageFile + ": not a usable OpenLineage config: " + firstLine(e));
            }
        }
        ObjectNode fromVariables = variables(env);
        if (!fromVariables.isEmpty()) {
            try {
                return of(parse(fromVariables), namespace, ENV_PREFIX + "* variables");
            } catch (RuntimeException e) {
                // the variables may hold credentials: name them, do not print their values
                throw new ConfigException(
                        ENV_PREFIX
                                + "* variables "
                                + env.keySet().stream()
                                        .filter(k -> k.startsWith(ENV_PREFIX))
                                        .sorted()
                                        .toList()
                                + ": not a usable OpenLineage config: "
                                + firstLine(e)
                                + "; fix or unset them");
            }
        }
        String url = env.get("OPENLINEAGE_URL");
        if (url != null && !url.isBlank()) {
            ObjectNode transport = JSON.createObjectNode().put("type", "http").put("url", url);
            if (env.containsKey("OPENLINEAGE_ENDPOINT")) {
                transport.put("endpoint", env.get("OPENLINEAGE_ENDPOINT"));
            }
            if (env.containsKey("OPENLINEAGE_API_KEY")) {
                transport
                        .putObject("auth")
                        .put("type", "api_key")
                        .put("apiKey", env.get("OPENLINEAGE_API_KEY"));
            }
            ObjectNode root = JSON.createObjectNode();
            root.set("transport", transport);
            try {
                return of(parse(root), namespace, "OPENLINEAGE_URL");
            } catch (RuntimeException e) {
                throw new ConfigException(
                        "OPENLINEAGE_URL="
                                + url
                                + ": not a usable lineage server URL: "
                                + firstLine(e));
            }
        }
        ConfigNode transport = lineage == null ? null : lineage.find("transport").orElse(null);
        if (transport != null) {
            String type =
                    transport
                            .get("type")
                            .choice(
                                    "file",
                                    "console",
                                    "http",
                                    "kafka",
                                    "composite",
                                    "transform",
                                    "noop");
            Map<String, Object> transportMap =
                    YAML.convertValue(transport.raw(), new TypeReference<Map<String, Object>>() {});
            if (type.equals("file")) {
                // relative to the config file, like every path in it
                org.apache.flink.core.fs.Path location =
                        Locations.resolve(transport.get("location"));
                if (!Locations.isLocal(location)) {
                    return toFile(location, namespace, transport.file() + ": lineage.transport");
                }
                transportMap.put("location", Locations.toLocal(location).toString());
            }
            try {
                OpenLineageConfig<?> parsed =
                        OpenLineageClientUtils.loadOpenLineageConfigYaml(
                                new ByteArrayInputStream(
                                        YAML.writeValueAsBytes(Map.of("transport", transportMap))),
                                CONFIG_TYPE);
                return of(parsed, namespace, transport.file() + ": lineage.transport");
            } catch (Exception e) {
                throw transport.error(
                        "lineage.transport: "
                                + firstLine(e)
                                + " (see openlineage.yml's transport for the keys)");
            }
        }
        return toFile(defaultFile(config), namespace, null);
    }

    /**
     * JSON Lines at {@code location}: OpenLineage's file transport on a local disk, one object per
     * event below the location's prefix on object storage ({@link ObjectLogTransport}).
     */
    private static LineageSink toFile(
            org.apache.flink.core.fs.Path location, String namespace, String source) {
        String description =
                "file "
                        + Locations.describe(location)
                        + (Locations.isLocal(location) ? "" : " (one object per event)")
                        + (source == null ? "" : " transport (" + source + ")");
        Transport transport =
                Locations.isLocal(location)
                        ? new FileTransport(new FileConfig(Locations.toLocal(location).toString()))
                        : new ObjectLogTransport(new AppendOnlyLog(location));
        return new LineageSink(new OpenLineageClient(transport), namespace, description, location);
    }

    /** A sink for a parsed OpenLineage configuration; {@code source} says where it came from. */
    private static LineageSink of(OpenLineageConfig<?> parsed, String namespace, String source) {
        if (parsed.getTransportConfig() == null) {
            // openlineage-java's default when a configuration names no transport
            parsed.setTransportConfig(new ConsoleConfig());
        }
        TransportConfig transport = parsed.getTransportConfig();
        String description;
        org.apache.flink.core.fs.Path location = null;
        if (transport instanceof HttpConfig http) {
            description =
                    "http "
                            + http.getUrl()
                            + (http.getEndpoint() == null ? "" : " endpoint " + http.getEndpoint());
        } else if (transport instanceof FileConfig file) {
            location = Locations.local(Path.of(file.getLocation()));
            description = "file " + file.getLocation();
        } else {
            description =
                    transport
                            .getClass()
                            .getSimpleName()
                            .replace("Config", "")
                            .toLowerCase(Locale.ROOT);
        }
        return new LineageSink(
                Clients.newClient(parsed),
                namespace,
                description + " transport (" + source + ")",
                location);
    }

    /** OPENLINEAGE_CONFIG, else the conventional openlineage.yml locations; null if none exists. */
    private static Path openLineageFile(Map<String, String> env) {
        String explicit = env.get("OPENLINEAGE_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(
                        path
                                + ": file not found (named by OPENLINEAGE_CONFIG); point it at an openlineage.yml or unset it");
            }
            return path;
        }
        for (Path candidate :
                List.of(
                        Path.of("openlineage.yml"),
                        Path.of(
                                System.getProperty("user.home"),
                                ".openlineage",
                                "openlineage.yml"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    /**
     * The OPENLINEAGE__ variables as the config tree they stand for, as openlineage-java reads
     * them: {@code OPENLINEAGE__TRANSPORT__AUTH__API_KEY=k} is {@code transport.auth.apiKey: k}; a
     * value that is JSON (a number, true, an object) is taken as JSON.
     */
    static ObjectNode variables(Map<String, String> env) {
        ObjectNode root = JSON.createObjectNode();
        // sorted, so a variable for a whole object comes before the ones that set its keys
        for (String key : new TreeMap<>(env).keySet()) {
            if (!key.startsWith(ENV_PREFIX)) {
                continue;
            }
            String[] parts = key.substring(ENV_PREFIX.length()).split("__");
            ObjectNode node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                String name = camelCase(parts[i]);
                node = node.get(name) instanceof ObjectNode child ? child : node.putObject(name);
            }
            node.set(camelCase(parts[parts.length - 1]), value(env.get(key)));
        }
        return root;
    }

    private static JsonNode value(String text) {
        try {
            JsonNode parsed = JSON.readTree(text);
            return parsed == null || parsed.isMissingNode()
                    ? JSON.getNodeFactory().textNode(text)
                    : parsed;
        } catch (Exception notJson) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private static String camelCase(String snake) {
        String[] words = snake.toLowerCase(Locale.ROOT).split("_");
        StringBuilder out = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            if (!words[i].isEmpty()) {
                out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
        }
        return out.toString();
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static OpenLineageConfig<?> parse(ObjectNode tree) {
        return OpenLineageClientUtils.loadOpenLineageConfigJson(
                new ByteArrayInputStream(tree.toString().getBytes(StandardCharsets.UTF_8)),
                CONFIG_TYPE);
    }

    /**
     * The JSON Lines file next to the audit log's folder ({@code lineage/lineage.jsonl}), where
     * events go when nothing else is configured; on object storage when the audit log is there.
     */
    public static org.apache.flink.core.fs.Path defaultFile(RuntimeConfig config) {
        return new org.apache.flink.core.fs.Path(config.auditBase(), "lineage/lineage.jsonl");
    }

    public String namespace() {
        return namespace;
    }

    /** The lineage log, if events go to a file (or, on object storage, a prefix). */
    public org.apache.flink.core.fs.Path file() {
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
