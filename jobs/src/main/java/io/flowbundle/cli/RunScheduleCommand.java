package io.flowbundle.cli;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.jobs.BatchRun;
import io.flowbundle.schedule.RetryPolicy;
import io.flowbundle.schedule.Scheduler;
import io.flowbundle.schedule.Workflow;
import io.flowbundle.spec.SpecLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flowbundle run-schedule}: bounded pipelines for a date or a range, with retries. */
@Command(
        name = "run-schedule",
        mixinStandardHelpOptions = true,
        description = {
            "Run scheduled bounded pipelines for a date or a backfill range.",
            "",
            "One pipeline, or a workflow of pipelines in dependency order, for a logical date or",
            "a backfill range: each step retried with exponential backoff, skipped if it already",
            "succeeded for that date (unless --force), every attempt audited. Exits 1 if a step",
            "failed, so cron, systemd timers, Airflow or a Kubernetes CronJob can react.",
            "",
            "Example: flowbundle run-schedule --pipeline conf/pipelines/sensor-hourly.yaml --date 2026-11-01",
            "         flowbundle run-schedule --workflow conf/workflows/sensor-daily.yaml --from 2026-11-01 --to 2026-11-03"
        })
final class RunScheduleCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--pipeline", paramLabel = "SPEC", description = "One pipeline spec.")
        Path pipeline;

        @Option(
                names = "--workflow",
                paramLabel = "FILE",
                description = "A workflow file naming several pipelines in order.")
        Path workflow;
    }

    @Option(
            names = "--date",
            paramLabel = "YYYY-MM-DD",
            description = "The logical date (default: yesterday, UTC).")
    LocalDate date;

    @Option(
            names = "--from",
            paramLabel = "YYYY-MM-DD",
            description = "Backfill: first logical date.")
    LocalDate from;

    @Option(
            names = "--to",
            paramLabel = "YYYY-MM-DD",
            description = "Backfill: last logical date (inclusive).")
    LocalDate to;

    @Option(names = "--force", description = "Rerun steps that already succeeded for a date.")
    boolean force;

    @Option(
            names = "--max-attempts",
            paramLabel = "N",
            description = "Attempts per step (default 3, or the workflow's retries).")
    Integer maxAttempts;

    @Option(
            names = "--initial-backoff",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "Wait before the first retry (default 10s; doubles each time, up to 5min).")
    Duration initialBackoff;

    @Mixin RuntimeOptions runtime;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RuntimeConfig config = runtime.resolve();
        RetryPolicy retries = RetryPolicy.defaults();
        Workflow workflow =
                what.workflow != null
                        ? Workflow.load(what.workflow, retries)
                        : Workflow.ofPipeline(
                                SpecLoader.load(what.pipeline).name(), what.pipeline, retries);
        RetryPolicy effective = workflow.retries();
        if (maxAttempts != null) {
            effective = effective.withMaxAttempts(maxAttempts);
        }
        if (initialBackoff != null) {
            effective = effective.withInitialBackoff(initialBackoff);
        }
        workflow = new Workflow(workflow.name(), workflow.steps(), effective);
        AuditLog audit = new AuditLog(config.audit());
        Scheduler scheduler =
                new Scheduler(
                        workflow,
                        (step, day, attempt) ->
                                new BatchRun(
                                                SpecLoader.load(step.pipeline()),
                                                config,
                                                day,
                                                attempt,
                                                BatchRun.DEFAULT_PROGRESS_INTERVAL)
                                        .run()
                                        .run()
                                        .runId(),
                        step -> SpecLoader.load(step.pipeline()).name(),
                        audit,
                        config.actor(),
                        duration -> Thread.sleep(duration.toMillis()),
                        System.out,
                        new org.apache.flink.core.fs.Path(config.auditBase(), "runs"));
        Scheduler.Result result = scheduler.run(dates(), force);
        System.out.println("run log: " + Locations.describe(result.log()));
        return result.succeeded() ? 0 : 1;
    }

    private List<LocalDate> dates() {
        if (from != null || to != null) {
            if (from == null || to == null || date != null) {
                throw new ParameterException(
                        spec.commandLine(), "a backfill needs both --from and --to, and no --date");
            }
            if (to.isBefore(from)) {
                throw new ParameterException(
                        spec.commandLine(), "--to " + to + " is before --from " + from);
            }
            List<LocalDate> out = new ArrayList<>();
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                out.add(d);
            }
            return out;
        }
        return List.of(date != null ? date : LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1));
    }
}
