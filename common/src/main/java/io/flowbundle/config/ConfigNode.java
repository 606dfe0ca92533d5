package io.flowbundle.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A node of a YAML configuration file that knows where it is: every error names the file and the
 * key path ({@code sink.partition_by[0]}) so a user can find the line to fix.
 */
public final class ConfigNode {

    /** Rejects a key written twice in one mapping, which would otherwise silently win. */
    private static final ObjectMapper YAML =
            new ObjectMapper(
                    YAMLFactory.builder()
                            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                            .build());

    /**
     * How Jackson's duplicate detection starts its message; it has no exception type of its own.
     */
    private static final String DUPLICATE_FIELD = "Duplicate field '";

    private final JsonNode node;
    private final String keyPath;
    private final Path file;

    private ConfigNode(JsonNode node, String keyPath, Path file) {
        this.node = node;
        this.keyPath = keyPath;
        this.file = file;
    }

    /**
     * Reads a YAML file whose top level must be a mapping, resolving {@code ${env:NAME}} and {@code
     * ${file:PATH}} references in its values (see {@link SecretReferences}).
     */
    public static ConfigNode load(Path file) {
        return load(file, System::getenv);
    }

    /** As {@link #load(Path)}, with {@code environment} answering {@code ${env:NAME}} (tests). */
    public static ConfigNode load(Path file, Function<String, String> environment) {
        Path absolute = file.toAbsolutePath().normalize();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(absolute));
        } catch (NoSuchFileException e) {
            throw new ConfigException(absolute + ": file not found");
        } catch (JsonProcessingException e) {
            throw new ConfigException(absolute + yamlLine(e) + ": " + yamlProblem(e));
        } catch (IOException e) {
            throw new ConfigException(absolute + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(
                    absolute
                            + ": expected a YAML mapping of keys at the top, got "
                            + (root == null || root.isMissingNode() || root.isNull()
                                    ? "an empty file"
                                    : describe(root)));
        }
        ConfigNode loaded = new ConfigNode(root, "", absolute);
        loaded.resolveReferences(new SecretReferences(environment, loaded.baseDir()));
        return loaded;
    }

    /**
     * Replaces references in every value below this node, once at load time, so every accessor
     * ({@link #text()}, {@link #path()}, {@link #raw()}) sees resolved values; registers the values
     * of sensitive keys ({@link Secrets#isSensitiveKey}) as secrets.
     */
    private void resolveReferences(SecretReferences references) {
        if (node instanceof ObjectNode object) {
            for (String name : fieldNames(object)) {
                ConfigNode child = child(name);
                if (child.node.isTextual()) {
                    String value = child.resolved(references);
                    object.put(name, value);
                    Secrets.registerIfSensitive(name, value);
                } else {
                    child.resolveReferences(references);
                }
            }
        } else if (node instanceof ArrayNode array) {
            List<ConfigNode> elements = elements();
            for (int i = 0; i < elements.size(); i++) {
                ConfigNode element = elements.get(i);
                if (element.node.isTextual()) {
                    array.set(i, TextNode.valueOf(element.resolved(references)));
                } else {
                    element.resolveReferences(references);
                }
            }
        }
    }

    private String resolved(SecretReferences references) {
        try {
            return references.resolve(node.asText());
        } catch (IllegalArgumentException e) {
            throw error(keyPath() + ": " + e.getMessage());
        }
    }

    private static List<String> fieldNames(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Where SnakeYAML found the problem; Jackson's location can be the token before it. */
    private static String yamlLine(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return " (line " + (marked.getProblemMark().getLine() + 1) + ")";
        }
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** One line: SnakeYAML's messages go on with a source excerpt and a caret line. */
    private static String yamlProblem(JsonProcessingException e) {
        String message = firstLine(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            // Jackson's limits (nesting depth): say what, not which Jackson setting
            return "not valid YAML: "
                    + message.replaceAll(", from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "")
                    + "; a spec or contract nests only a few levels";
        }
        if (message.startsWith(DUPLICATE_FIELD) && e.getProcessor() instanceof JsonParser parser) {
            return "key '"
                    + keyPathOf(parser.getParsingContext())
                    + "' is written twice in one mapping; keep one of them";
        }
        if (e.getCause() instanceof MarkedYAMLException marked
                && marked.getContext() != null
                && marked.getProblem() != null) {
            // the first line is only where the parser was ("while parsing a flow sequence")
            message = firstLine(marked.getContext()) + ": " + firstLine(marked.getProblem());
        }
        return "not valid YAML: " + message;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    /** {@code sink.partition_by[0]}, as the errors of a loaded file name keys. */
    private static String keyPathOf(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = keyPathOf(context.getParent());
        if (context.inArray()) {
            return parent + "[" + context.getCurrentIndex() + "]";
        }
        return parent.isEmpty()
                ? context.getCurrentName()
                : parent + "." + context.getCurrentName();
    }

    /** Wraps a tree that did not come from a file (tests, flags); errors name {@code origin}. */
    public static ConfigNode of(JsonNode node, Path origin) {
        return new ConfigNode(node, "", origin);
    }

    public Path file() {
        return file;
    }

    /** The folder that relative paths in this file are resolved against. */
    public Path baseDir() {
        Path parent = file.getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    public String keyPath() {
        return keyPath.isEmpty() ? "(top level)" : keyPath;
    }

    public boolean isMap() {
        return node.isObject();
    }

    public boolean isList() {
        return node.isArray();
    }

    public boolean isText() {
        return node.isTextual();
    }

    public boolean has(String key) {
        JsonNode child = node.get(key);
        return child != null && !child.isNull();
    }

    /** Fails naming the key when it is absent. */
    public ConfigNode get(String key) {
        requireMap();
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            throw error(child(key).keyPath() + ": required key is missing");
        }
        return child(key);
    }

    public Optional<ConfigNode> find(String key) {
        requireMap();
        return has(key) ? Optional.of(child(key)) : Optional.empty();
    }

    private ConfigNode child(String key) {
        JsonNode child = node.get(key);
        String path = keyPath.isEmpty() ? key : keyPath + "." + key;
        return new ConfigNode(child == null ? MissingNode.getInstance() : child, path, file);
    }

    public List<ConfigNode> elements() {
        if (!node.isArray()) {
            throw error(keyPath() + ": expected a list, got " + describe(node));
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(node.get(i), keyPath + "[" + i + "]", file));
        }
        return out;
    }

    /**
     * A list, or a single value read as a list of one (so {@code key: id} == {@code key: [id]}).
     */
    public List<ConfigNode> elementsOrSingle() {
        return node.isArray() ? elements() : List.of(this);
    }

    /** The entries of a mapping in file order. */
    public List<Map.Entry<String, ConfigNode>> entries() {
        requireMap();
        List<Map.Entry<String, ConfigNode>> out = new ArrayList<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            out.add(Map.entry(name, child(name)));
        }
        return out;
    }

    /**
     * Rejects keys this node does not know, so a typo ({@code partiton_by}) is an error instead of
     * a silently ignored setting.
     */
    public ConfigNode allowOnly(String... keys) {
        requireMap();
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(keys));
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                String where = keyPath.isEmpty() ? "" : " in " + keyPath;
                throw error(
                        "unknown key '"
                                + name
                                + "'"
                                + where
                                + suggestion(name, allowed)
                                + "; known keys: "
                                + String.join(", ", allowed));
            }
        }
        return this;
    }

    public String text() {
        if (!node.isValueNode() || node.isNull()) {
            throw error(keyPath() + ": expected a value, got " + describe(node));
        }
        String value = node.asText().trim();
        if (value.isEmpty()) {
            throw error(keyPath() + ": must not be empty");
        }
        return value;
    }

    public String text(String key) {
        return get(key).text();
    }

    public String text(String key, String defaultValue) {
        return has(key) ? get(key).text() : defaultValue;
    }

    public long longValue() {
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().trim());
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw error(keyPath() + ": expected a whole number, got " + describe(node));
    }

    public int intValue() {
        long value = longValue();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(keyPath() + ": " + value + " is out of range");
        }
        return (int) value;
    }

    public int intValue(String key, int defaultValue) {
        return has(key) ? get(key).intValue() : defaultValue;
    }

    public double doubleValue() {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw error(keyPath() + ": expected a number, got " + describe(node));
    }

    public boolean booleanValue() {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isTextual()) {
            String text = node.asText().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
        }
        throw error(keyPath() + ": expected true or false, got " + describe(node));
    }

    public boolean booleanValue(String key, boolean defaultValue) {
        return has(key) ? get(key).booleanValue() : defaultValue;
    }

    /**
     * Reads a duration in Flink's syntax ({@link Durations}): {@code 10s}, {@code 5 min}, {@code
     * 1h}, {@code 7d}, {@code 250ms}.
     */
    public Duration duration() {
        try {
            return Durations.parse(text());
        } catch (IllegalArgumentException e) {
            throw error(keyPath() + ": " + e.getMessage());
        }
    }

    public Duration duration(String key, Duration defaultValue) {
        return has(key) ? get(key).duration() : defaultValue;
    }

    /** One of {@code choices}, compared without case. */
    public String choice(String... choices) {
        String value = text().toLowerCase(Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return choice;
            }
        }
        throw error(
                keyPath()
                        + ": expected one of "
                        + String.join(", ", choices)
                        + ", got '"
                        + text()
                        + "'");
    }

    /** A path; relative paths resolve against the folder of the file that names them. */
    public Path path() {
        Path path = Path.of(text());
        return path.isAbsolute() ? path.normalize() : baseDir().resolve(path).normalize();
    }

    public List<String> textList() {
        List<String> out = new ArrayList<>();
        for (ConfigNode element : elementsOrSingle()) {
            out.add(element.text());
        }
        return out;
    }

    public JsonNode raw() {
        return node;
    }

    /**
     * This value as the mapping {@code {fixedKey: fixedValue, valueKey: <this value>}}, located
     * where this node is: how a shorthand ({@code quarantine: out/q}) is read as the declaration it
     * stands for.
     */
    public ConfigNode asMapping(String fixedKey, String fixedValue, String valueKey) {
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        map.put(fixedKey, fixedValue);
        map.set(valueKey, node);
        return new ConfigNode(map, keyPath, file);
    }

    /** This mapping with one more entry, a default the file leaves out. */
    public ConfigNode withEntry(String key, String value) {
        requireMap();
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.put(key, value);
        return new ConfigNode(copy, keyPath, file);
    }

    /** An error located at this node. */
    public ConfigException error(String message) {
        return new ConfigException(file + ": " + message);
    }

    private void requireMap() {
        if (!node.isObject()) {
            throw error(keyPath() + ": expected a mapping of keys, got " + describe(node));
        }
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "'" + node.asText() + "'";
    }

    private static String suggestion(String name, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(allowed)) {
            int distance = editDistance(name, candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best != null && bestDistance <= 2 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
