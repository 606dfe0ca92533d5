package io.flowbundle.spec;

import io.flowbundle.config.ConfigNode;
import io.flowbundle.connector.Connectors;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.kafka.KafkaConnector;
import io.flowbundle.connector.parquet.ParquetConnector;
import io.flowbundle.contract.Column;
import io.flowbundle.contract.ColumnType;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.ContractLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a pipeline spec and the contracts it names. Relative paths resolve against the folder of
 * the file that contains them; every error names the file and the key.
 */
public final class SpecLoader {

    public static final String DEFAULT_BOOTSTRAP = KafkaConnector.DEFAULT_BOOTSTRAP;
    private static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofHours(1);

    private SpecLoader() {}

    public static PipelineSpec load(Path file) {
        return parse(ConfigNode.load(file));
    }

    /** As {@link #load(Path)}, with {@code environment} answering {@code ${env:NAME}} (tests). */
    public static PipelineSpec load(Path file, Function<String, String> environment) {
        return parse(ConfigNode.load(file, environment));
    }

    public static PipelineSpec parse(ConfigNode root) {
        if (root.has("inputs")) {
            return parseInputs(root);
        }
        root.allowOnly(
                "name",
                "description",
                "contract",
                "source",
                "event_time",
                "watermark",
                "allowed_lateness",
                "dedupe",
                "transform",
                "output_contract",
                "sink",
                "quarantine",
                "staging");
        String name = name(root);
        Contract contract = loadContract(root.get("contract"));
        SourceSpec source = Connectors.source(root.get("source"));
        String eventTime = parseEventTime(root.get("event_time"), contract);
        PipelineSpec.Watermark watermark = parseWatermark(root.find("watermark").orElse(null));
        Duration allowedLateness = root.duration("allowed_lateness", Duration.ZERO);
        Duration lateness = watermark.maxOutOfOrderness().plus(allowedLateness);
        PipelineSpec.Dedupe dedupe =
                root.find("dedupe").map(node -> parseDedupe(node, contract, lateness)).orElse(null);
        String transform = parseTransform(root.get("transform"));
        Contract outputContract =
                root.find("output_contract").map(SpecLoader::loadContract).orElse(null);
        List<SinkSpec> sinks = new ArrayList<>();
        for (ConfigNode sinkNode : root.get("sink").elementsOrSingle()) {
            sinks.add(Connectors.sink(sinkNode, Role.SINK));
        }
        SinkSpec quarantine = shorthandOrSink(root.get("quarantine"), Role.QUARANTINE);
        SinkSpec staging =
                root.find("staging").map(node -> shorthandOrSink(node, Role.STAGING)).orElse(null);
        return PipelineSpec.builder()
                .name(name)
                .file(root.file())
                .contract(contract)
                .source(source)
                .eventTime(eventTime)
                .watermark(watermark)
                .allowedLateness(allowedLateness)
                .dedupe(dedupe)
                .transform(transform)
                .outputContract(outputContract)
                .sinks(sinks)
                .quarantine(quarantine)
                .staging(staging)
                .build();
    }

    private static String name(ConfigNode root) {
        String name = root.text("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw root.get("name")
                    .error("name: '" + name + "' may use letters, digits, '.', '_' and '-' only");
        }
        return name;
    }

    /** The keys of one input under {@code inputs:}. */
    private static final String[] INPUT_KEYS = {
        "contract", "source", "role", "event_time", "watermark", "dedupe", "quarantine", "staging"
    };

    /** A view name the SQL can read unquoted. */
    private static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The form with several inputs: {@code inputs:} maps view names to inputs, each with its own
     * contract, source, event time, watermark, dedupe, quarantine and staging. The first input of
     * role {@code event} is the main one (its counts, dedupe and late handling are the run's as in
     * the single-source form); the spec's {@code quarantine} is every input's unless it names its
     * own.
     */
    private static PipelineSpec parseInputs(ConfigNode root) {
        root.allowOnly(
                "name",
                "description",
                "inputs",
                "allowed_lateness",
                "transform",
                "output_contract",
                "sink",
                "quarantine",
                "contract",
                "source",
                "event_time",
                "dedupe",
                "staging");
        String name = name(root);
        for (String key : List.of("contract", "source", "event_time", "dedupe", "staging")) {
            if (root.has(key)) {
                throw root.get(key)
                        .error(
                                key
                                        + ": not allowed together with inputs:; declare it on the"
                                        + " input it belongs to (inputs.VIEW."
                                        + key
                                        + ")");
            }
        }
        Duration allowedLateness = root.duration("allowed_lateness", Duration.ZERO);
        ConfigNode inputsNode = root.get("inputs");
        List<PipelineSpec.Input> inputs = new ArrayList<>();
        for (Map.Entry<String, ConfigNode> entry : inputsNode.entries()) {
            inputs.add(parseInput(entry.getKey(), entry.getValue(), allowedLateness));
        }
        PipelineSpec.Input main =
                inputs.stream()
                        .filter(input -> input.role() == PipelineSpec.InputRole.EVENT)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        inputsNode.error(
                                                "inputs: no input has role: event; a pipeline"
                                                        + " needs one, with an event_time"));
        if (main.quarantine() != null) {
            throw inputsNode.error(
                    main.keyOf("quarantine")
                            + ": the main input (the first of role event) sends its rejected"
                            + " records to the spec's quarantine; set it there");
        }
        List<PipelineSpec.Input> others = new ArrayList<>(inputs);
        others.remove(main);
        String transform = parseTransform(root.get("transform"));
        for (PipelineSpec.Input input : inputs) {
            checkTemporalJoin(inputsNode, input, transform);
        }
        Contract outputContract =
                root.find("output_contract").map(SpecLoader::loadContract).orElse(null);
        List<SinkSpec> sinks = new ArrayList<>();
        for (ConfigNode sinkNode : root.get("sink").elementsOrSingle()) {
            sinks.add(Connectors.sink(sinkNode, Role.SINK));
        }
        SinkSpec quarantine = shorthandOrSink(root.get("quarantine"), Role.QUARANTINE);
        return PipelineSpec.builder()
                .name(name)
                .file(root.file())
                .contract(main.contract())
                .source(main.source())
                .eventTime(main.eventTime())
                .watermark(main.watermark())
                .allowedLateness(allowedLateness)
                .dedupe(main.dedupe())
                .transform(transform)
                .outputContract(outputContract)
                .sinks(sinks)
                .quarantine(quarantine)
                .staging(main.staging())
                .view(main.view())
                .otherInputs(others)
                .build();
    }

    private static PipelineSpec.Input parseInput(
            String view, ConfigNode node, Duration allowedLateness) {
        String key = "inputs." + view;
        if (!VIEW_NAME.matcher(view).matches()) {
            throw node.error(
                    key
                            + ": '"
                            + view
                            + "' is not a view name the SQL can read; use letters, digits and '_',"
                            + " not starting with a digit");
        }
        node.allowOnly(INPUT_KEYS);
        PipelineSpec.InputRole role =
                node.has("role")
                        ? PipelineSpec.InputRole.valueOf(
                                node.get("role")
                                        .choice("event", "dimension")
                                        .toUpperCase(java.util.Locale.ROOT))
                        : PipelineSpec.InputRole.EVENT;
        Contract contract = loadContract(node.get("contract"));
        SourceSpec source = Connectors.source(node.get("source"));
        String eventTime = null;
        if (node.has("event_time")) {
            eventTime = parseEventTime(node.get("event_time"), contract);
        } else if (role == PipelineSpec.InputRole.EVENT) {
            throw node.error(
                    key
                            + ".event_time: missing; an input of role event needs its event-time"
                            + " column (or declare role: dimension)");
        }
        PipelineSpec.Watermark watermark = parseWatermark(node.find("watermark").orElse(null));
        Duration lateness = watermark.maxOutOfOrderness().plus(allowedLateness);
        PipelineSpec.Dedupe dedupe =
                node.find("dedupe").map(d -> parseDedupe(d, contract, lateness)).orElse(null);
        SinkSpec quarantine =
                node.find("quarantine").map(q -> shorthandOrSink(q, Role.QUARANTINE)).orElse(null);
        SinkSpec staging =
                node.find("staging").map(q -> shorthandOrSink(q, Role.STAGING)).orElse(null);
        return new PipelineSpec.Input(
                view,
                role,
                key,
                contract,
                source,
                eventTime,
                watermark,
                dedupe,
                quarantine,
                staging);
    }

    /**
     * A temporal join ({@code JOIN devices FOR SYSTEM_TIME AS OF ...}) looks a row up by the
     * dimension's primary key, so the dimension's contract must declare one.
     */
    private static void checkTemporalJoin(
            ConfigNode inputsNode, PipelineSpec.Input input, String transform) {
        Pattern temporal =
                Pattern.compile(
                        "(?i)(?<![A-Za-z0-9_.])`?"
                                + Pattern.quote(input.view())
                                + "`?\\s+(AS\\s+\\w+\\s+)?FOR\\s+SYSTEM_TIME\\s+AS\\s+OF\\b");
        if (temporal.matcher(transform).find() && input.contract().primaryKey().isEmpty()) {
            throw inputsNode.error(
                    input.key()
                            + ": the transform joins "
                            + input.view()
                            + " FOR SYSTEM_TIME AS OF (a temporal join), which looks rows up by"
                            + " primary key, and contract "
                            + input.contract().name()
                            + " declares none: add primary_key to it");
        }
    }

    /**
     * A sink declaration, or a folder: {@code quarantine: out/quarantine} is short for {@code
     * {type: parquet, path: out/quarantine}}.
     */
    private static SinkSpec shorthandOrSink(ConfigNode node, Role role) {
        if (node.isText()) {
            return Connectors.sink(
                    node.asMapping(
                            Connectors.TYPE, ParquetConnector.TYPE, ParquetConnector.PATH.key()),
                    role);
        }
        if (role == Role.STAGING && !node.has(Connectors.TYPE)) {
            // staging was Parquet-only before connectors had types: a mapping without one still is
            return Connectors.sink(node.withEntry(Connectors.TYPE, ParquetConnector.TYPE), role);
        }
        return Connectors.sink(node, role);
    }

    private static Contract loadContract(ConfigNode node) {
        Path path = node.path();
        if (!Files.isRegularFile(path)) {
            throw node.error(node.keyPath() + ": contract file " + path + " does not exist");
        }
        return ContractLoader.load(path);
    }

    private static String parseEventTime(ConfigNode node, Contract contract) {
        String column = node.text();
        Column found =
                contract.column(column)
                        .orElseThrow(
                                () ->
                                        node.error(
                                                node.keyPath()
                                                        + ": '"
                                                        + column
                                                        + "' is not a column of contract "
                                                        + contract.name()
                                                        + " (columns: "
                                                        + String.join(", ", contract.columnNames())
                                                        + ")"));
        if (found.type().kind() != ColumnType.Kind.TIMESTAMP) {
            throw node.error(
                    node.keyPath()
                            + ": column '"
                            + column
                            + "' is "
                            + found.type()
                            + ", not timestamp");
        }
        if (!found.required()) {
            throw node.error(
                    node.keyPath()
                            + ": column '"
                            + column
                            + "' must be required: true in contract "
                            + contract.name()
                            + " (rows without an event time cannot be windowed)");
        }
        return column;
    }

    private static PipelineSpec.Watermark parseWatermark(ConfigNode node) {
        if (node == null) {
            return new PipelineSpec.Watermark(Duration.ZERO, null);
        }
        node.allowOnly("max_out_of_orderness", "idle_timeout");
        return new PipelineSpec.Watermark(
                node.duration("max_out_of_orderness", Duration.ZERO),
                node.duration("idle_timeout", null));
    }

    private static PipelineSpec.Dedupe parseDedupe(
            ConfigNode node, Contract contract, Duration lateness) {
        node.allowOnly("key", "retention");
        List<String> key = node.has("key") ? node.get("key").textList() : contract.primaryKey();
        if (key.isEmpty()) {
            throw node.error(
                    node.keyPath()
                            + ".key: missing, and contract "
                            + contract.name()
                            + " has no primary_key to default to");
        }
        for (String column : key) {
            Optional<Column> found = contract.column(column);
            if (found.isEmpty()) {
                throw node.error(
                        node.keyPath()
                                + ".key: '"
                                + column
                                + "' is not a column of contract "
                                + contract.name());
            }
            if (found.get().type().kind() == ColumnType.Kind.ROW) {
                throw node.error(
                        node.keyPath()
                                + ".key: '"
                                + column
                                + "' is a nested row; name scalar columns of contract "
                                + contract.name());
            }
        }
        Duration retention = node.duration("retention", DEFAULT_DEDUPE_RETENTION);
        if (retention.compareTo(lateness) < 0) {
            throw node.error(
                    node.keyPath()
                            + ".retention: "
                            + retention
                            + " is shorter than max_out_of_orderness + allowed_lateness ("
                            + lateness
                            + "); duplicates of on-time events could then pass. Raise it.");
        }
        return new PipelineSpec.Dedupe(key, retention);
    }

    private static String parseTransform(ConfigNode node) {
        if (node.isMap()) {
            node.allowOnly("file");
            Path file = node.get("file").path();
            try {
                return Files.readString(file).trim();
            } catch (IOException e) {
                throw node.error("transform.file: cannot read " + file + ": " + e.getMessage());
            }
        }
        return node.text();
    }
}
