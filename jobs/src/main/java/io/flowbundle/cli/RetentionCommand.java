package io.flowbundle.cli;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.governance.Retention;
import io.flowbundle.governance.RetentionRun;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flowbundle retention apply}: delete partitions older than their contract's retention_days.
 */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = "Enforce the retention_days of contracts on the datasets pipelines write.",
        subcommands = {RetentionCommand.Apply.class})
final class RetentionCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: apply");
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "For each Parquet dataset a pipeline writes (sinks: output contract;",
                "staging and quarantine: input contract) whose contract sets",
                "retention_days, find the date partitions (date=YYYY-MM-DD,",
                "window_date=YYYY-MM-DD, ...) older than today minus retention_days.",
                "A dry run (the default) lists them; --apply deletes them, writes an",
                "audit record per dataset and an OpenLineage event per pipeline.",
                "",
                "Example: flowbundle retention apply --pipeline \\",
                "           conf/pipelines/sensor-hourly.yaml --apply"
            })
    static final class Apply implements Callable<Integer> {

        @Option(
                names = "--pipeline",
                paramLabel = "SPEC",
                description = "A pipeline spec (repeatable).")
        List<Path> pipelines = new ArrayList<>();

        @Option(
                names = "--all",
                description =
                        "Every spec (*.yaml) in the pipelines/ folder next to the runtime config (conf/pipelines/); the default.")
        boolean all;

        @Option(names = "--dry-run", description = "List what would be deleted; the default.")
        boolean dryRun;

        @Option(names = "--apply", description = "Delete the expired partitions.")
        boolean apply;

        @Option(
                names = "--today",
                paramLabel = "YYYY-MM-DD",
                description = "The date retention counts back from (default: today, UTC).")
        LocalDate today;

        @Mixin RuntimeOptions runtime;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            if (all && !pipelines.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(), "give --pipeline or --all, not both");
            }
            if (dryRun && apply) {
                throw new ParameterException(
                        spec.commandLine(), "give --dry-run or --apply, not both");
            }
            RuntimeConfig config = runtime.resolve();
            List<Path> files =
                    pipelines.isEmpty() ? Retention.specFiles(pipelinesFolder(config)) : pipelines;
            // every spec is loaded before anything is deleted, so a broken spec stops the whole run
            List<PipelineSpec> specs = new ArrayList<>();
            for (Path file : files) {
                specs.add(SpecLoader.load(file));
            }
            LocalDate day = today != null ? today : LocalDate.now(ZoneOffset.UTC);
            PrintWriter out = spec.commandLine().getOut();
            boolean failed = false;
            if (!apply) {
                for (PipelineSpec pipeline : specs) {
                    RetentionRun.Result result = RetentionRun.plan(pipeline, day);
                    out.print(result.text());
                    failed |= result.failed();
                }
                return failed ? 1 : 0;
            }
            try (LineageSink lineage = LineageSink.create(config)) {
                RetentionRun run =
                        new RetentionRun(new AuditLog(config.audit()), lineage, config.actor());
                for (PipelineSpec pipeline : specs) {
                    RetentionRun.Result result = run.apply(pipeline, day);
                    out.print(result.text());
                    failed |= result.failed();
                }
                out.println(
                        "audit: " + config.describeAudit() + "; lineage: " + lineage.describe());
            }
            return failed ? 1 : 0;
        }

        private static Path pipelinesFolder(RuntimeConfig config) {
            return config.file() != null
                    ? config.file().toAbsolutePath().getParent().resolve("pipelines")
                    : Path.of("conf", "pipelines").toAbsolutePath();
        }
    }
}
