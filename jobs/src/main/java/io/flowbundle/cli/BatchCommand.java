package io.flowbundle.cli;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.jobs.BatchRun;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowbundle batch}: one bounded run of a pipeline. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline once over its bounded input.",
            "",
            "Reads Parquet files (or a Kafka topic up to its current end), validates, dedupes,",
            "transforms, and replaces the run's output partitions atomically.",
            "",
            "Example: flowbundle batch --pipeline conf/pipelines/sensor-hourly.yaml --date 2026-11-01"
        })
final class BatchCommand implements Callable<Integer> {

    @Option(
            names = "--pipeline",
            required = true,
            paramLabel = "SPEC",
            description = "Pipeline spec (YAML).")
    Path pipeline;

    @Option(
            names = "--date",
            paramLabel = "YYYY-MM-DD",
            description =
                    "Logical date: read only the source's date=YYYY-MM-DD partition and replace that"
                            + " date's output partition. Default: all input, all partitions written.")
    LocalDate date;

    @Mixin ProgressOption progress;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        // the file systems first (s3:// needs the plugin and the flink: settings): the spec's
        // locations are checked against them as it loads
        RuntimeConfig config = runtime.resolve();
        PipelineSpec spec = SpecLoader.load(pipeline);
        BatchRun.Summary summary = new BatchRun(spec, config, date, null, progress.interval).run();
        print(summary, config, System.out);
        return 0;
    }

    static void print(BatchRun.Summary summary, RuntimeConfig config, PrintStream out) {
        var counts = summary.counts();
        out.printf(
                "run %s succeeded in %.1f s%n",
                summary.run().runId(), summary.took().toMillis() / 1000.0);
        out.printf(
                "  read %d, rejected %d, duplicates %d, into transform %d -> %d results, loaded %d"
                        + " (rejected on output %d)%n",
                counts.consumed(),
                counts.rejectedOnInput(),
                counts.duplicates(),
                counts.transformInput(),
                counts.transformOutput(),
                counts.loaded(),
                counts.rejectedOnOutput());
        if (counts.withUnknownFields() > 0) {
            out.println(" " + counts.unknownFieldsSummary());
        }
        for (BatchRun.Committed committed : summary.outputs()) {
            out.printf(
                    "  %-10s %s (%d file(s)%s%s)%n",
                    committed.role(),
                    committed.target(),
                    committed.result().files(),
                    committed.result().written().stream().allMatch(String::isEmpty)
                            ? ""
                            : "; partitions " + String.join(", ", committed.result().written()),
                    committed.result().replaced().isEmpty()
                            ? ""
                            : "; replaced " + String.join(", ", committed.result().replaced()));
        }
        out.println("  audit      " + config.describeAudit());
    }
}
