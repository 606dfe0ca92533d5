package io.flowbundle.cli;

import io.flowbundle.FlowbundleException;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageGraph;
import io.flowbundle.lineage.LineageSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowbundle lineage}: reads lineage back. */
@Command(
        name = "lineage",
        mixinStandardHelpOptions = true,
        description = "Read back the lineage events that runs wrote.",
        subcommands = {LineageCommand.Trace.class, CommandLine.HelpCommand.class})
final class LineageCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code flowbundle lineage trace DATASET}: the upstream graph of a dataset. */
    @Command(
            name = "trace",
            mixinStandardHelpOptions = true,
            description = {
                "Where a dataset came from: the latest complete run of each job that",
                "wrote it, the datasets that run read, and so on up to raw sources",
                "(datasets no run wrote).",
                "",
                "DATASET is a path (namespace file, matched by absolute path), file:PATH,",
                "or NAMESPACE:NAME with NAMESPACE = scheme://host[:port], e.g.",
                "kafka://127.0.0.1:9092:sensor-events.",
                "",
                "Example: flowbundle lineage trace out/sensor-daily --format mermaid"
            })
    static final class Trace implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset to trace.")
        String dataset;

        @Option(
                names = "--format",
                defaultValue = "text",
                paramLabel = "FORMAT",
                description = "text, dot (Graphviz) or mermaid (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(
                names = "--log",
                paramLabel = "FILE",
                description =
                        "The lineage log (JSON Lines). Default: lineage/lineage.jsonl next to the audit log's folder.")
        Path log;

        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            LineageGraph.Format chosen = format();
            Datasets.Id id;
            try {
                id = Datasets.parse(dataset);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "DATASET: " + e.getMessage());
            }
            Path file = log != null ? log : LineageSink.defaultFile(config.resolve());
            LineageGraph graph = LineageGraph.read(file);
            PrintWriter err = spec.commandLine().getErr();
            if (graph.skippedLines() > 0) {
                err.println(
                        "warning: "
                                + file
                                + ": skipped "
                                + graph.skippedLines()
                                + " line(s) that are not lineage events");
            }
            if (!graph.mentions(id)) {
                throw new FlowbundleException(
                        file
                                + ": no complete run read or wrote "
                                + id
                                + " ("
                                + graph.runs().size()
                                + " complete runs in the log); check the dataset (a path is matched by its absolute"
                                + " path) or pass the right --log FILE");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(LineageGraph.format(graph.upstream(id), chosen));
            out.flush();
            return 0;
        }

        private LineageGraph.Format format() {
            try {
                return LineageGraph.Format.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--format: expected text, dot or mermaid, got " + format);
            }
        }
    }
}
