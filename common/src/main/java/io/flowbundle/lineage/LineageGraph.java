package io.flowbundle.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.FlowbundleException;
import io.flowbundle.fs.AppendOnlyLog;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a dataset came from, read back from a lineage log (JSON Lines of OpenLineage RunEvents, as
 * the default file transport writes them): the latest COMPLETE run of each job that wrote the
 * dataset, the datasets that run read, what wrote those, and so on, up to datasets no run wrote
 * (raw sources). A dataset already on the path being traced is a cycle and is not followed again.
 *
 * <p>Only COMPLETE events count: a run that failed or was aborted committed nothing, and START or
 * RUNNING events say what a run is going to write, not what it wrote.
 */
public final class LineageGraph {

    /** One complete run: its job, id, when it completed, and the datasets it read and wrote. */
    public record Run(
            String jobNamespace,
            String jobName,
            String runId,
            Instant time,
            List<Datasets.Id> inputs,
            List<Datasets.Id> outputs) {

        public String job() {
            return jobNamespace + "/" + jobName;
        }
    }

    /** What a dataset in the traced graph is. */
    public enum Kind {
        /** Written by a run; its producers follow. */
        PRODUCED,
        /** Written by no run in the log: a raw source. */
        SOURCE,
        /** Already on the path from the traced dataset to here: not followed again. */
        CYCLE,
        /** Traced before, elsewhere in the graph: not repeated. */
        REPEATED
    }

    /** A dataset and, if produced, the latest complete run of each job that wrote it. */
    public record Node(Datasets.Id dataset, Kind kind, List<Producer> producers) {}

    /**
     * A run that wrote a dataset, with the upstream of each dataset it read; {@code repeated}: the
     * run was traced before (it wrote another dataset of the graph), its inputs are not repeated.
     */
    public record Producer(Run run, List<Node> inputs, boolean repeated) {}

    /** How {@link #format} writes a traced graph. */
    public enum Format {
        TEXT,
        DOT,
        MERMAID
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Run> runs;
    private final int skippedLines;

    private LineageGraph(List<Run> runs, int skippedLines) {
        this.runs = List.copyOf(runs);
        this.skippedLines = skippedLines;
    }

    /**
     * Reads a lineage log; lines that are not events (a torn last line, say) are skipped and
     * counted.
     */
    public static LineageGraph read(Path log) {
        try {
            return of(Files.readAllLines(log));
        } catch (NoSuchFileException e) {
            throw new FlowbundleException(
                    log
                            + ": no lineage log here; runs write it when lineage goes to the default file"
                            + " (see README, Lineage), or pass --log FILE");
        } catch (IOException e) {
            throw new FlowbundleException(
                    log + ": cannot read the lineage log: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #read(Path)}, for a log on any Flink file system: a local file, or a prefix on
     * object storage with one object per event ({@link AppendOnlyLog}).
     */
    public static LineageGraph read(org.apache.flink.core.fs.Path log) {
        if (Locations.isLocal(log)) {
            return read(Locations.toLocal(log));
        }
        AppendOnlyLog objects = new AppendOnlyLog(log);
        List<String> lines;
        try {
            lines = objects.readLines();
        } catch (IOException e) {
            throw new FlowbundleException(
                    "cannot read the lineage log: " + StorageErrors.describe(log, e), e);
        }
        if (lines.isEmpty()) {
            throw new FlowbundleException(
                    log
                            + ": no lineage events below this prefix; runs write them when lineage goes to"
                            + " the default file (see README, Lineage), or pass --log LOCATION");
        }
        return of(lines);
    }

    /** The graph of the COMPLETE events among {@code lines} (one JSON event per line). */
    public static LineageGraph of(List<String> lines) {
        List<Run> runs = new ArrayList<>();
        int skipped = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode event = JSON.readTree(line);
                if (event.path("eventType").asText().equals("COMPLETE")) {
                    runs.add(run(event));
                }
            } catch (IOException | RuntimeException notAnEvent) {
                skipped++;
            }
        }
        return new LineageGraph(runs, skipped);
    }

    private static Run run(JsonNode event) {
        return new Run(
                required(event.at("/job/namespace")),
                required(event.at("/job/name")),
                required(event.at("/run/runId")),
                OffsetDateTime.parse(required(event.get("eventTime"))).toInstant(),
                datasets(event.path("inputs")),
                datasets(event.path("outputs")));
    }

    private static List<Datasets.Id> datasets(JsonNode list) {
        List<Datasets.Id> out = new ArrayList<>();
        for (JsonNode dataset : list) {
            out.add(
                    new Datasets.Id(
                            required(dataset.get("namespace")), required(dataset.get("name"))));
        }
        return out;
    }

    private static String required(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("not a run event");
        }
        return node.asText();
    }

    /** The complete runs in the log, in log order. */
    public List<Run> runs() {
        return runs;
    }

    /** Lines of the log that were not JSON run events. */
    public int skippedLines() {
        return skippedLines;
    }

    /** Whether any complete run read or wrote {@code dataset}. */
    public boolean mentions(Datasets.Id dataset) {
        return runs.stream()
                .anyMatch(run -> run.inputs().contains(dataset) || run.outputs().contains(dataset));
    }

    /** The latest complete run of each job that wrote {@code dataset}, newest first. */
    public List<Run> producers(Datasets.Id dataset) {
        Map<String, Run> latest = new LinkedHashMap<>();
        for (Run run : runs) {
            if (run.outputs().contains(dataset)) {
                // log order breaks ties: of two events with one time, the later line is the later
                // run
                latest.merge(
                        run.job(),
                        run,
                        (known, next) -> next.time().isBefore(known.time()) ? known : next);
            }
        }
        List<Run> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(Run::time).reversed());
        return out;
    }

    /** The upstream graph of {@code dataset}. */
    public Node upstream(Datasets.Id dataset) {
        return trace(dataset, new HashSet<>(), new HashSet<>(), new HashSet<>());
    }

    private Node trace(
            Datasets.Id dataset,
            Set<Datasets.Id> path,
            Set<Datasets.Id> traced,
            Set<String> tracedRuns) {
        if (path.contains(dataset)) {
            return new Node(dataset, Kind.CYCLE, List.of());
        }
        List<Run> producers = producers(dataset);
        if (producers.isEmpty()) {
            return new Node(dataset, Kind.SOURCE, List.of());
        }
        if (!traced.add(dataset)) {
            return new Node(dataset, Kind.REPEATED, List.of());
        }
        path.add(dataset);
        List<Producer> out = new ArrayList<>();
        for (Run run : producers) {
            if (!tracedRuns.add(run.runId())) {
                out.add(new Producer(run, List.of(), true));
                continue;
            }
            List<Node> inputs = new ArrayList<>();
            for (Datasets.Id input : run.inputs()) {
                inputs.add(trace(input, path, traced, tracedRuns));
            }
            out.add(new Producer(run, inputs, false));
        }
        path.remove(dataset);
        return new Node(dataset, Kind.PRODUCED, out);
    }

    /** A traced graph as text (an indented tree), Graphviz dot, or a Mermaid flowchart. */
    public static String format(Node root, Format format) {
        return switch (format) {
            case TEXT -> text(root);
            case DOT -> new Diagram(root).dot();
            case MERMAID -> new Diagram(root).mermaid();
        };
    }

    private static String text(Node root) {
        StringBuilder out = new StringBuilder();
        text(root, 0, out);
        return out.toString();
    }

    private static void text(Node node, int depth, StringBuilder out) {
        String indent = "   ".repeat(depth);
        out.append(depth == 0 ? "" : indent + "<- ").append(node.dataset());
        switch (node.kind()) {
            case SOURCE -> out.append("  [raw source: no run wrote it]");
            case CYCLE -> out.append("  [cycle: already on this path]");
            case REPEATED -> out.append("  [traced above]");
            case PRODUCED -> {}
        }
        out.append('\n');
        String inner = "   ".repeat(depth + 1);
        for (Producer producer : node.producers()) {
            Run run = producer.run();
            out.append(inner)
                    .append("<- job ")
                    .append(run.job())
                    .append(" (run ")
                    .append(run.runId())
                    .append(", completed ")
                    .append(run.time())
                    .append(")")
                    .append(producer.repeated() ? "  [traced above]\n" : "\n");
            for (Node input : producer.inputs()) {
                text(input, depth + 2, out);
            }
        }
    }

    /** Nodes and data-flow edges (input -> run -> output) of a traced graph, each once. */
    private static final class Diagram {
        private final Map<Datasets.Id, String> datasets = new LinkedHashMap<>();
        private final Map<Datasets.Id, Kind> kinds = new LinkedHashMap<>();
        private final Map<String, String> runIds = new LinkedHashMap<>();
        private final Map<String, Run> runs = new LinkedHashMap<>();
        private final Set<String> edges = new LinkedHashSet<>();
        private final Datasets.Id root;

        Diagram(Node root) {
            this.root = root.dataset();
            add(root);
        }

        private String add(Node node) {
            String id = datasets.computeIfAbsent(node.dataset(), d -> "d" + (datasets.size() + 1));
            // a dataset seen again (cycle, traced above) was first added as what it is
            kinds.putIfAbsent(node.dataset(), node.kind());
            for (Producer producer : node.producers()) {
                Run run = producer.run();
                String runId = runIds.computeIfAbsent(run.runId(), r -> "r" + (runIds.size() + 1));
                runs.put(runId, run);
                edges.add(runId + " " + id);
                for (Node input : producer.inputs()) {
                    edges.add(add(input) + " " + runId);
                }
            }
            return id;
        }

        String dot() {
            StringBuilder out = new StringBuilder("digraph lineage {\n  rankdir=LR;\n");
            datasets.forEach(
                    (dataset, id) ->
                            out.append("  ")
                                    .append(id)
                                    .append(" [shape=")
                                    .append(kinds.get(dataset) == Kind.SOURCE ? "cylinder" : "box")
                                    .append(dataset.equals(root) ? ", style=bold" : "")
                                    .append(", label=\"")
                                    .append(dotText(dataset.toString()))
                                    .append("\"];\n"));
            runs.forEach(
                    (id, run) ->
                            out.append("  ")
                                    .append(id)
                                    .append(" [shape=ellipse, label=\"")
                                    .append(dotText(run.job()))
                                    .append("\\nrun ")
                                    .append(dotText(run.runId()))
                                    .append("\\n")
                                    .append(run.time())
                                    .append("\"];\n"));
            edges.forEach(edge -> out.append("  ").append(edge.replace(" ", " -> ")).append(";\n"));
            return out.append("}\n").toString();
        }

        String mermaid() {
            StringBuilder out = new StringBuilder("flowchart LR\n");
            datasets.forEach(
                    (dataset, id) -> {
                        String label = '"' + mermaidText(dataset.toString()) + '"';
                        out.append("  ")
                                .append(id)
                                .append(
                                        kinds.get(dataset) == Kind.SOURCE
                                                ? "[(" + label + ")]"
                                                : "[" + label + "]")
                                .append('\n');
                    });
            runs.forEach(
                    (id, run) ->
                            out.append("  ")
                                    .append(id)
                                    .append("([\"")
                                    .append(mermaidText(run.job()))
                                    .append("<br/>run ")
                                    .append(mermaidText(run.runId()))
                                    .append("<br/>")
                                    .append(run.time())
                                    .append("\"])\n"));
            edges.forEach(edge -> out.append("  ").append(edge.replace(" ", " --> ")).append('\n'));
            out.append("  style ").append(datasets.get(root)).append(" stroke-width:3px\n");
            return out.toString();
        }

        private static String dotText(String text) {
            return text.replace("\\", "\\\\").replace("\"", "\\\"");
        }

        /**
         * Mermaid labels are quoted; a quote inside is an entity, and so are the brackets of HTML.
         */
        private static String mermaidText(String text) {
            return text.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
        }
    }
}
