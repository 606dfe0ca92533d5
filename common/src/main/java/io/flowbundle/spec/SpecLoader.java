package io.flowbundle.spec;

import io.flowbundle.config.ConfigNode;
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

/**
 * Reads a pipeline spec and the contracts it names. Relative paths resolve against the folder of
 * the file that contains them; every error names the file and the key.
 */
public final class SpecLoader {

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    private static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofHours(1);

    private SpecLoader() {}

    public static PipelineSpec load(Path file) {
        return parse(ConfigNode.load(file));
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
        SourceSpec source = parseSource(root.get("source"));
        String eventTime = parseEventTime(root.get("event_time"), contract);
        PipelineSpec.Watermark watermark = parseWatermark(root.find("watermark").orElse(null));
        Duration allowedLateness = root.duration("allowed_lateness", Duration.ZERO);
        Duration lateness = watermark.maxOutOfOrderness().plus(allowedLateness);
        PipelineSpec.Dedupe dedupe =
                root.find("dedupe").map(node -> parseDedupe(node, contract, lateness)).orElse(null);
        String transform = parseTransform(root.get("transform"));
        Contract outputContract = root.find("output_contract").map(SpecLoader::loadContract).orElse(null);
        List<SinkSpec> sinks = new ArrayList<>();
        for (ConfigNode sinkNode : root.get("sink").elementsOrSingle()) {
            sinks.add(parseSink(sinkNode));
        }
        SinkSpec quarantine = parseQuarantine(root.get("quarantine"));
        SinkSpec.Parquet staging = root.find("staging").map(SpecLoader::parseStaging).orElse(null);
        return new PipelineSpec(
                name,
                root.file(),
                contract,
                source,
                eventTime,
                watermark,
                allowedLateness,
                dedupe,
                transform,
                outputContract,
                sinks,
                quarantine,
                staging);
    }

    private static Contract loadContract(ConfigNode node) {
        Path path = node.path();
        if (!Files.isRegularFile(path)) {
            throw node.error(node.keyPath() + ": contract file " + path + " does not exist");
        }
        return ContractLoader.load(path);
    }

    private static SourceSpec parseSource(ConfigNode node) {
        String type = node.get("type").choice("parquet", "kafka");
        if (type.equals("parquet")) {
            node.allowOnly("type", "path", "date_partition");
            return new SourceSpec.Parquet(node.get("path").path(), node.text("date_partition", "date"));
        }
        node.allowOnly("type", "topic", "bootstrap", "group", "start", "format");
        if (node.has("format")) {
            node.get("format").choice("json");
        }
        String start =
                node.has("start")
                        ? node.get("start").choice("earliest", "committed", "latest")
                        : "committed";
        return new SourceSpec.Kafka(
                node.text("topic"),
                node.text("bootstrap", DEFAULT_BOOTSTRAP),
                node.text("group", "flowbundle"),
                start);
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
        List<String> key =
                node.has("key") ? node.get("key").textList() : contract.primaryKey();
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
                        "dedupe.key: '" + column + "' is not a column of contract " + contract.name());
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

    private static SinkSpec parseSink(ConfigNode node) {
        String type = node.get("type").choice("parquet", "kafka");
        if (type.equals("parquet")) {
            node.allowOnly("type", "path", "partition_by", "compression");
            return new SinkSpec.Parquet(
                    node.get("path").path(),
                    node.has("partition_by") ? node.get("partition_by").textList() : List.of(),
                    parseCompression(node));
        }
        node.allowOnly("type", "topic", "bootstrap", "format");
        if (node.has("format")) {
            node.get("format").choice("json");
        }
        return new SinkSpec.Kafka(node.text("topic"), node.text("bootstrap", DEFAULT_BOOTSTRAP));
    }

    /** A folder (string) or a sink mapping. */
    private static SinkSpec parseQuarantine(ConfigNode node) {
        if (node.isText()) {
            return new SinkSpec.Parquet(node.path(), List.of(), "snappy");
        }
        return parseSink(node);
    }

    private static SinkSpec.Parquet parseStaging(ConfigNode node) {
        if (node.isText()) {
            return new SinkSpec.Parquet(node.path(), List.of("date"), "snappy");
        }
        node.allowOnly("path", "partition_by", "compression");
        List<String> partitionBy =
                node.has("partition_by") ? node.get("partition_by").textList() : List.of("date");
        return new SinkSpec.Parquet(node.get("path").path(), partitionBy, parseCompression(node));
    }

    private static String parseCompression(ConfigNode node) {
        return node.has("compression")
                ? node.get("compression").choice("snappy", "zstd", "gzip", "none")
                : "snappy";
    }
}
