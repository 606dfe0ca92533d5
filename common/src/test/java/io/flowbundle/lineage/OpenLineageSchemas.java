package io.flowbundle.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OpenLineage events against the official JSON Schemas (a folder found by {@link
 * #specDir()}) and our own facet schemas ({@code docs/facets/}, on the test class path under {@code
 * flowbundle/spec/facets/}).
 *
 * <p>An event is checked against the RunEvent schema, and every facet in it against the schema its
 * {@code _schemaURL} names: the URL's file name picks the local copy, whose {@code $id} must be the
 * URL (so a client upgrade that moves to a new facet version fails here until the schema is
 * refreshed), whose top-level properties must declare the facet's key, and whose base facet type
 * (RunFacet, JobFacet, DatasetFacet, InputDatasetFacet, OutputDatasetFacet) must match where the
 * facet sits. Schemas are only ever read from local files: references to openlineage.io and
 * flowbundle.io are mapped to local copies, and loading anything else is refused, so validation
 * never touches the network.
 *
 * <p>A schema check that cannot run must not pass: without the official schemas every check fails
 * the test under CI ({@code CI=true}) and skips it elsewhere, saying where the schemas were looked
 * for. None of them returns "no violations" unchecked.
 */
public final class OpenLineageSchemas {

    /**
     * System property naming the folder of the official schemas (the pom passes {@code
     * openlineage.spec.dir}).
     */
    public static final String SPEC_DIR_PROPERTY = "openlineage.spec.dir";

    /** System property naming the checkout's root (the pom passes the Maven project folder). */
    static final String CHECKOUT_PROPERTY = "flowbundle.checkout";

    /** Where the official schemas sit next to a checkout: a copy of shared/ beside the clone. */
    static final Path BESIDE_CHECKOUT = Path.of("..", "shared", "openlineage", "spec");

    private static final Logger LOG = LoggerFactory.getLogger(OpenLineageSchemas.class);

    /**
     * The folder holding OpenLineage's {@code OpenLineage.json} and {@code facets/*.json} (spec
     * 2-0-2), if any. They are not redistributed in this repository. Looked for, in order: {@code
     * -Dopenlineage.spec.dir=<folder>} if given (and only there), else {@code
     * ../shared/openlineage/spec} beside the checkout or any folder above it, so a worktree nested
     * below the project finds the same copy as a clone beside {@code shared/}.
     */
    public static Optional<Path> specDir() {
        return candidates().stream()
                .filter(dir -> Files.isRegularFile(dir.resolve("OpenLineage.json")))
                .findFirst();
    }

    /** Every folder {@link #specDir()} looks in, in order. */
    static List<Path> candidates() {
        Path start =
                Path.of(
                                System.getProperty(CHECKOUT_PROPERTY, "").isBlank()
                                        ? System.getProperty("user.dir")
                                        : System.getProperty(CHECKOUT_PROPERTY))
                        .toAbsolutePath()
                        .normalize();
        String given = System.getProperty(SPEC_DIR_PROPERTY, "");
        if (!given.isBlank()) {
            return List.of(start.resolve(given).normalize());
        }
        List<Path> out = new ArrayList<>();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            out.add(dir.resolve(BESIDE_CHECKOUT).normalize());
        }
        return out.stream().distinct().toList();
    }

    /** Whether OpenLineage's official schemas were found. */
    public static boolean available() {
        return SPEC_DIR.isPresent();
    }

    /**
     * Makes the calling test fail (under CI) or skip (elsewhere, with a warning) when the official
     * schemas are absent, saying where they were looked for: a schema check that cannot run must
     * not pass silently.
     */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        String message = missingMessage();
        if (inCi()) {
            throw new AssertionError(message);
        }
        if (!warned) {
            warned = true;
            LOG.warn("{} (outside CI the schema checks are skipped)", message);
        }
        Assumptions.abort(message);
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static String missingMessage() {
        return "OpenLineage JSON Schemas (spec 2-0-2: OpenLineage.json, facets/*.json) not found; looked in "
                + candidates().stream().map(Path::toString).collect(Collectors.joining(", "))
                + "; put a copy in ../shared/openlineage/spec beside the checkout or pass -D"
                + SPEC_DIR_PROPERTY
                + "=<folder>";
    }

    private static volatile boolean warned;

    private static final Optional<Path> SPEC_DIR = specDir();

    /** The RunEvent schema of the spec version openlineage-java emits. */
    public static final String RUN_EVENT =
            "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

    private static final String OPENLINEAGE = "https://openlineage.io/spec/";
    private static final String FLOWBUNDLE = "https://flowbundle.io/spec/";
    private static final String LOCAL_FLOWBUNDLE = "flowbundle/spec/facets/";

    private static final Pattern BASE_FACET =
            Pattern.compile(
                    "OpenLineage\\.json#/\\$defs/(RunFacet|JobFacet|DatasetFacet|InputDatasetFacet|OutputDatasetFacet)$");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonSchemaFactory FACTORY =
            JsonSchemaFactory.getInstance(
                    SpecVersion.VersionFlag.V202012,
                    builder ->
                            builder.schemaMappers(
                                            mappers ->
                                                    mappers.mappings(OpenLineageSchemas::localCopy))
                                    // only mapped (local) schemas load: an unmapped http URL is an
                                    // error, not a download
                                    .schemaLoaders(
                                            loaders ->
                                                    loaders.add(
                                                            new AllowSchemaLoader(
                                                                    iri ->
                                                                            iri.toString()
                                                                                            .startsWith(
                                                                                                    "classpath:")
                                                                                    || iri.toString()
                                                                                            .startsWith(
                                                                                                    "file:")))));

    // uuid, date-time and uri are assertions of the spec, not annotations: check them;
    // LEGACY paths are JSON paths like $.outputs[0].facets.schema, so ours can be prefixed to them
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.LEGACY)
                    .build();

    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final Map<String, JsonNode> DOCUMENTS = new ConcurrentHashMap<>();

    /** A schema violation: where in the event (a JSON path from {@code $}) and what is wrong. */
    public record Violation(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private OpenLineageSchemas() {}

    /** Violations of an event as openlineage-java serializes it for every transport. */
    public static List<Violation> validate(OpenLineage.RunEvent event) {
        return validate(OpenLineageClientUtils.toJson(event));
    }

    /**
     * Violations of one dataset facet on its own, as it would appear under {@code facets.<name>}.
     */
    public static List<Violation> validateDatasetFacet(
            String name, OpenLineage.DatasetFacet facet) {
        assumeAvailable();
        try {
            return facet(
                    name,
                    JSON.readTree(OpenLineageClientUtils.toJson(facet)),
                    "$." + name,
                    "DatasetFacet");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Violations of one event given as JSON text; empty if it is valid. */
    public static List<Violation> validate(String eventJson) {
        try {
            return validate(JSON.readTree(eventJson));
        } catch (JsonProcessingException e) {
            return List.of(new Violation("$", "not JSON: " + e.getOriginalMessage()));
        }
    }

    /** Violations of one event; empty if it is valid. */
    public static List<Violation> validate(JsonNode event) {
        assumeAvailable();
        List<Violation> out = new ArrayList<>();
        if (!event.path("schemaURL").asText().equals(RUN_EVENT)) {
            out.add(
                    new Violation(
                            "$.schemaURL",
                            "expected " + RUN_EVENT + ", got " + event.path("schemaURL")));
        }
        out.addAll(check(schema(RUN_EVENT), event, "$"));
        facets(event.path("run").path("facets"), "$.run.facets", "RunFacet", out);
        facets(event.path("job").path("facets"), "$.job.facets", "JobFacet", out);
        datasets(event.path("inputs"), "$.inputs", "inputFacets", "InputDatasetFacet", out);
        datasets(event.path("outputs"), "$.outputs", "outputFacets", "OutputDatasetFacet", out);
        // a facet's base fields are checked twice (RunEvent schema and facet schema): report once
        return out.stream()
                .distinct()
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .toList();
    }

    private static void datasets(
            JsonNode list, String path, String ioKey, String ioKind, List<Violation> out) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode dataset = list.get(i);
            facets(dataset.path("facets"), path + "[" + i + "].facets", "DatasetFacet", out);
            facets(dataset.path(ioKey), path + "[" + i + "]." + ioKey, ioKind, out);
        }
    }

    private static void facets(JsonNode facets, String path, String kind, List<Violation> out) {
        Iterator<Map.Entry<String, JsonNode>> entries = facets.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            out.addAll(facet(entry.getKey(), entry.getValue(), path + "." + entry.getKey(), kind));
        }
    }

    /** One facet against the schema its _schemaURL names. */
    private static List<Violation> facet(String key, JsonNode facet, String path, String kind) {
        String url = facet.path("_schemaURL").asText(null);
        if (url == null) {
            return List.of(
                    new Violation(
                            path, "facet has no _schemaURL, so no schema to check it against"));
        }
        int hash = url.indexOf('#');
        String document = hash < 0 ? url : url.substring(0, hash);
        String name = document.substring(document.lastIndexOf('/') + 1);
        if (localCopy(document) == null) {
            return List.of(new Violation(path, "no local schema for _schemaURL " + url));
        }
        JsonNode root;
        try {
            root = document(document);
        } catch (RuntimeException e) {
            return List.of(
                    new Violation(path, "no local schema " + name + " for _schemaURL " + url));
        }
        List<Violation> out = new ArrayList<>();
        if (!root.path("$id").asText().equals(document)) {
            out.add(
                    new Violation(
                            path,
                            "_schemaURL "
                                    + document
                                    + " is not the local schema's version "
                                    + root.path("$id").asText()));
        }
        JsonNode declared = root.path("properties").path(key).path("$ref");
        if (declared.isMissingNode()) {
            out.add(
                    new Violation(
                            path,
                            "facet name '"
                                    + key
                                    + "' is not declared by "
                                    + name
                                    + " (it declares: "
                                    + String.join(", ", names(root.path("properties")))
                                    + ")"));
        }
        // a _schemaURL without a fragment names the whole file; the facet is its $defs entry of the
        // same name
        String definition = hash < 0 ? "#/$defs/" + name.replace(".json", "") : url.substring(hash);
        String baseKind = baseFacet(root.at(definition.substring(1)));
        if (baseKind != null && !baseKind.equals(kind)) {
            out.add(
                    new Violation(
                            path,
                            name
                                    + " is a "
                                    + baseKind
                                    + ", but sits where a "
                                    + kind
                                    + " belongs"));
        }
        JsonSchema schema;
        try {
            schema = schema(document + definition);
        } catch (JsonSchemaException e) {
            out.add(new Violation(path, "cannot load schema " + url + ": " + e.getMessage()));
            return out;
        }
        out.addAll(check(schema, facet, path));
        return out;
    }

    private static List<Violation> check(JsonSchema schema, JsonNode node, String path) {
        List<Violation> out = new ArrayList<>();
        for (ValidationMessage message : schema.validate(node)) {
            String at = message.getInstanceLocation().toString();
            String where = path + at.substring(1);
            String text = message.getMessage();
            // the library prefixes its messages with the instance location: keep it once, in path
            if (text.startsWith(at + ": ")) {
                text = text.substring(at.length() + 2);
            }
            out.add(new Violation(where, text));
        }
        return out;
    }

    private static String baseFacet(JsonNode definition) {
        for (JsonNode ref : definition.findValues("$ref")) {
            Matcher matcher = BASE_FACET.matcher(ref.asText());
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }

    private static JsonSchema schema(String url) {
        return SCHEMAS.computeIfAbsent(url, u -> FACTORY.getSchema(SchemaLocation.of(u), CONFIG));
    }

    private static JsonNode document(String url) {
        return DOCUMENTS.computeIfAbsent(
                url,
                u -> {
                    String copy = localCopy(u);
                    try (InputStream in =
                            copy.startsWith("classpath:")
                                    ? OpenLineageSchemas.class
                                            .getClassLoader()
                                            .getResourceAsStream(
                                                    copy.substring("classpath:".length()))
                                    : Files.newInputStream(Path.of(URI.create(copy)))) {
                        if (in == null) {
                            throw new IllegalArgumentException("no resource " + copy);
                        }
                        return JSON.readTree(in);
                    } catch (NoSuchFileException e) {
                        throw new IllegalArgumentException("no file " + copy, e);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * The local copy of a schema URL, by file name: the core spec and OpenLineage's facets in
     * {@link #specDir()} (a file: URI), ours on the class path under flowbundle/spec/facets/; null
     * for any other URL (which then stays unmapped and is refused).
     */
    static String localCopy(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1);
        if (url.startsWith(OPENLINEAGE)) {
            Path dir = SPEC_DIR.orElseThrow(() -> new IllegalStateException(missingMessage()));
            return (name.equals("OpenLineage.json") ? dir : dir.resolve("facets"))
                    .resolve(name)
                    .toUri()
                    .toString();
        }
        if (url.startsWith(FLOWBUNDLE)) {
            return "classpath:" + LOCAL_FLOWBUNDLE + name;
        }
        return null;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
