package io.flowbundle.cli;

import io.flowbundle.FlowbundleException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageGraph;
import io.flowbundle.lineage.LineageSink;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.fs.Path;
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
                "kafka://127.0.0.1:9092:sensor-events; an object-store location",
                "s3://bucket/key/prefix is namespace s3://bucket, name key/prefix.",
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
                paramLabel = "LOCATION",
                description =
                        "The lineage log (JSON Lines; on object storage, e.g. s3://bucket/lineage/lineage.jsonl,"
                                + " the prefix of its objects). Default: lineage/lineage.jsonl next to the"
                                + " audit log's folder.")
        String log;

        @Mixin ConfigOption config;

        @Option(
                names = {"-D"},
                paramLabel = "KEY=VALUE",
                description =
                        "A Flink option, e.g. -D s3.endpoint=http://127.0.0.1:9000 (repeatable; wins"
                                + " over --config).")
        Map<String, String> flink = new LinkedHashMap<>();

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
            RuntimeConfig runtime = config.resolveWithFileSystems(flink);
            Path file =
                    log != null
                            ? Locations.resolve(log, java.nio.file.Path.of(""), "--log")
                            : LineageSink.defaultFile(runtime);
            LineageGraph graph = LineageGraph.read(file);
            PrintWriter err = spec.commandLine().getErr();
            if (graph.skippedLines() > 0) {
                err.println(
                        "warning: "
                                + Locations.describe(file)
                                + ": skipped "
                                + graph.skippedLines()
                                + " line(s) that are not lineage events");
            }
            if (!graph.mentions(id)) {
                throw new FlowbundleException(
                        Locations.describe(file)
                                + ": no complete run read or wrote "
                                + id
                                + " ("
                                + graph.runs().size()
                                + " complete runs in the log); check the dataset (a path is matched by its absolute"
                                + " path) or pass the right --log LOCATION");
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
