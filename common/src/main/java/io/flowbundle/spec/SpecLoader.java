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
import java.util.Optional;
import java.util.function.Function;

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
        String name = root.text("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw root.get("name")
                    .error("name: '" + name + "' may use letters, digits, '.', '_' and '-' only");
        }
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
                                                "event_time: '"
                                                        + column
                                                        + "' is not a column of contract "
                                                        + contract.name()
                                                        + " (columns: "
                                                        + String.join(", ", contract.columnNames())
                                                        + ")"));
        if (found.type().kind() != ColumnType.Kind.TIMESTAMP) {
            throw node.error(
                    "event_time: column '" + column + "' is " + found.type() + ", not timestamp");
        }
        if (!found.required()) {
            throw node.error(
                    "event_time: column '"
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
                    "dedupe.key: missing, and contract "
                            + contract.name()
                            + " has no primary_key to default to");
        }
        for (String column : key) {
            Optional<Column> found = contract.column(column);
            if (found.isEmpty()) {
                throw node.error(
                        "dedupe.key: '"
                                + column
                                + "' is not a column of contract "
                                + contract.name());
            }
            if (found.get().type().kind() == ColumnType.Kind.ROW) {
                throw node.error(
                        "dedupe.key: '"
                                + column
                                + "' is a nested row; name scalar columns of contract "
                                + contract.name());
            }
        }
        Duration retention = node.duration("retention", DEFAULT_DEDUPE_RETENTION);
        if (retention.compareTo(lateness) < 0) {
            throw node.error(
                    "dedupe.retention: "
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
