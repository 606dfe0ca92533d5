package io.flowbundle.schedule;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.ConfigException;
import io.flowbundle.fs.LineFile;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.pipeline.RunInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.core.fs.Path;

/**
 * Runs a workflow's steps for one logical date or a range of them, in order: each step after its
 * dependencies, retried with exponential backoff, skipped if it already succeeded for that date
 * (unless forced). Every attempt is audited and written to a per-run log; the result says whether
 * everything succeeded, so the CLI can exit non-zero for cron, systemd or Kubernetes to see.
 *
 * <p>A backfill stops at the first date that fails: later dates may build on it. Configuration
 * errors are not retried; they do not go away by waiting.
 */
public final class Scheduler {

    /** Runs one step once; returns the pipeline run's id. */
    @FunctionalInterface
    public interface StepRunner {
        String run(Workflow.Step step, LocalDate date, int attempt) throws Exception;
    }

    /** Waits between attempts (tests pass one that does not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** How one step ended for one date. */
    public record StepResult(
            LocalDate date,
            String step,
            String status,
            int attempts,
            String runId,
            String error,
            Duration took) {}

    /** How the whole schedule run ended. */
    public record Result(String runId, List<StepResult> steps, Path log) {
        public boolean succeeded() {
            return steps.stream().noneMatch(s -> s.status().equals(AuditRecord.FAILED));
        }
    }

    public static final String SKIPPED = "skipped";

    private final Workflow workflow;
    private final StepRunner runner;
    private final Function<Workflow.Step, String> pipelineName;
    private final AuditLog audit;
    private final String actor;
    private final Sleeper sleeper;
    private final PrintStream out;
    private final Path logDir;

    public Scheduler(
            Workflow workflow,
            StepRunner runner,
            Function<Workflow.Step, String> pipelineName,
            AuditLog audit,
            String actor,
            Sleeper sleeper,
            PrintStream out,
            Path logDir) {
        this.workflow = workflow;
        this.runner = runner;
        this.pipelineName = pipelineName;
        this.audit = audit;
        this.actor = actor;
        this.sleeper = sleeper;
        this.out = out;
        this.logDir = logDir;
    }

    public Result run(List<LocalDate> dates, boolean force) throws InterruptedException {
        RunInfo run = RunInfo.start(RunInfo.Mode.BATCH, null);
        LineFile log = new LineFile(new Path(logDir, workflow.name() + "/" + run.runId() + ".log"));
        List<StepResult> results = new ArrayList<>();
        say(
                log,
                "schedule run %s of %s: %d date(s) %s .. %s, steps %s, up to %d attempt(s) each%s",
                run.runId(),
                workflow.name(),
                dates.size(),
                dates.get(0),
                dates.get(dates.size() - 1),
                workflow.order().stream().map(Workflow.Step::name).toList(),
                workflow.retries().maxAttempts(),
                force ? ", forced" : "");
        for (LocalDate date : dates) {
            Set<String> failed = new HashSet<>();
            for (Workflow.Step step : workflow.order()) {
                StepResult result = runStep(run, log, step, date, force, failed);
                results.add(result);
                if (!result.status().equals(AuditRecord.SUCCEEDED)
                        && !result.status().equals(SKIPPED)) {
                    failed.add(step.name());
                }
            }
            if (!failed.isEmpty()) {
                say(
                        log,
                        "date %s failed (%s); stopping: later dates may depend on it",
                        date,
                        String.join(", ", failed));
                break;
            }
        }
        Result result = new Result(run.runId(), results, log.location());
        say(
                log,
                "schedule run %s %s",
                run.runId(),
                result.succeeded() ? AuditRecord.SUCCEEDED : AuditRecord.FAILED);
        return result;
    }

    private StepResult runStep(
            RunInfo run,
            LineFile log,
            Workflow.Step step,
            LocalDate date,
            boolean force,
            Set<String> failed)
            throws InterruptedException {
        Instant started = Instant.now();
        List<String> blocking = step.after().stream().filter(failed::contains).toList();
        if (!blocking.isEmpty()) {
            say(log, "%s %s: not run, %s failed", date, step.name(), String.join(", ", blocking));
            record(
                    run,
                    step,
                    date,
                    AuditRecord.builder()
                            .attempt(0)
                            .startedAt(started)
                            .status(AuditRecord.FAILED)
                            .error("upstream step failed: " + String.join(", ", blocking)));
            return new StepResult(
                    date,
                    step.name(),
                    AuditRecord.FAILED,
                    0,
                    null,
                    "upstream failed",
                    Duration.ZERO);
        }
        if (!force) {
            Optional<AuditRecord> done = succeededBefore(pipelineName.apply(step), date);
            if (done.isPresent()) {
                say(
                        log,
                        "%s %s: skipped, succeeded in run %s (use --force to rerun)",
                        date,
                        step.name(),
                        done.get().runId());
                return new StepResult(
                        date, step.name(), SKIPPED, 0, done.get().runId(), null, Duration.ZERO);
            }
        }
        RetryPolicy retries = workflow.retries();
        String lastError = null;
        for (int attempt = 1; attempt <= retries.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Duration wait = retries.backoffBefore(attempt);
                say(
                        log,
                        "%s %s: retrying in %d s (attempt %d of %d)",
                        date,
                        step.name(),
                        wait.toSeconds(),
                        attempt,
                        retries.maxAttempts());
                sleeper.sleep(wait);
            }
            Instant attemptStarted = Instant.now();
            try {
                String runId = runner.run(step, date, attempt);
                Duration took = Duration.between(started, Instant.now());
                say(
                        log,
                        "%s %s: succeeded on attempt %d (run %s, %.1f s)",
                        date,
                        step.name(),
                        attempt,
                        runId,
                        took.toMillis() / 1000.0);
                record(
                        run,
                        step,
                        date,
                        AuditRecord.builder()
                                .attempt(attempt)
                                .startedAt(attemptStarted)
                                .status(AuditRecord.SUCCEEDED)
                                .target("run:" + runId));
                return new StepResult(
                        date, step.name(), AuditRecord.SUCCEEDED, attempt, runId, null, took);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                say(log, "%s %s: attempt %d failed: %s", date, step.name(), attempt, lastError);
                record(
                        run,
                        step,
                        date,
                        AuditRecord.builder()
                                .attempt(attempt)
                                .startedAt(attemptStarted)
                                .status(AuditRecord.FAILED)
                                .error(lastError));
                if (isConfigError(e)) {
                    say(log, "%s %s: a configuration error; not retrying", date, step.name());
                    return new StepResult(
                            date,
                            step.name(),
                            AuditRecord.FAILED,
                            attempt,
                            null,
                            lastError,
                            Duration.between(started, Instant.now()));
                }
            }
        }
        say(log, "%s %s: gave up after %d attempt(s)", date, step.name(), retries.maxAttempts());
        return new StepResult(
                date,
                step.name(),
                AuditRecord.FAILED,
                retries.maxAttempts(),
                null,
                lastError,
                Duration.between(started, Instant.now()));
    }

    private static boolean isConfigError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException) {
                return true;
            }
        }
        return false;
    }

    private Optional<AuditRecord> succeededBefore(String pipeline, LocalDate date) {
        AuditRecord found = null;
        for (AuditRecord record : audit.read()) {
            if (record.step().equals("run")
                    && pipeline.equals(record.pipeline())
                    && date.toString().equals(record.logicalDate())
                    && "batch".equals(record.mode())) {
                found = AuditRecord.SUCCEEDED.equals(record.status()) ? record : null;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Appends the record of one attempt of {@code step} for {@code date}, ending now: {@code
     * attempt} carries the attempt's number, start, status, error and the pipeline run it started
     * (target).
     */
    private void record(
            RunInfo run, Workflow.Step step, LocalDate date, AuditRecord.Builder attempt) {
        audit.append(
                attempt.runId(run.runId())
                        .pipeline(workflow.name())
                        .mode("schedule")
                        .logicalDate(date.toString())
                        .step("schedule:" + step.name())
                        .actor(actor)
                        .endedAt(Instant.now())
                        .sources(List.of(step.pipeline().toString()))
                        .build());
    }

    private void say(LineFile log, String format, Object... args) {
        String line = Instant.now() + " " + String.format(format, args);
        out.println(line);
        try {
            log.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write run log " + StorageErrors.describe(log.location(), e), e);
        }
    }
}
