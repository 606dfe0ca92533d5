package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.audit.RunAudit;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.config.Secrets;
import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.Preflight;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every run of a pipeline goes through, bounded or streaming: check what can be
 * checked before a job exists (the connectors' {@link Preflight}), bring the embedded cluster up
 * while the run is planned, plan the source, build and submit the job, report progress, and end
 * with one outcome, each step audited and sent to lineage the same way in both modes. What differs
 * between {@link BatchRun} and {@link StreamRun} are the hooks: what happens before anything else
 * (completing an interrupted commit; choosing a checkpoint to resume from), how the events are
 * planned (a batch run audits its input as the {@code extract} step), whether the job may run
 * detached, what a successful job still needs (the batch commit) and how a failure reads (a
 * checkpoint that cannot be restored).
 */
abstract class PipelineRun {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);

    protected final PipelineSpec spec;
    protected final RuntimeConfig config;
    protected final Duration progressInterval;

    PipelineRun(PipelineSpec spec, RuntimeConfig config, Duration progressInterval) {
        this.spec = spec.withDefaults(config);
        this.config = config;
        this.progressInterval = progressInterval;
    }

    /** One run in progress: what its steps share. */
    static final class Context {
        final RunInfo run;
        final AuditLog auditLog;
        final RunAudit audit;
        final Instant started = Instant.now();
        final OutputSinks sinks;
        final String source;
        RunLineage lineage;
        Instant jobStarted;

        /** The submitted job's id (hex), null before submission. */
        String jobId;

        Context(RunInfo run, AuditLog auditLog, RunAudit audit, OutputSinks sinks, String source) {
            this.run = run;
            this.auditLog = auditLog;
            this.audit = audit;
            this.sinks = sinks;
            this.source = source;
        }
    }

    /**
     * How a run ended.
     *
     * @param status {@link AuditRecord#SUCCEEDED}, {@code CANCELLED} or {@code submitted} (a
     *     detached job, still running on its cluster)
     * @param counts null for a detached job
     * @param committed the datasets a batch run committed
     */
    record Result(
            RunInfo run,
            RunCounts counts,
            List<BatchRun.Committed> committed,
            Duration took,
            String status,
            List<AuditRecord> audit) {}

    /** What a job that was submitted came to. */
    private record JobEnd(RunCounts counts, String status, Exception failure) {}

    // ---- the hooks ------------------------------------------------------------------------

    abstract RunInfo.Mode mode();

    /** The Flink settings of the run (the mode's defaults, then the runtime config). */
    abstract Map<String, String> flinkSettings(boolean embedded);

    /** Before anything else, once the run has an id. */
    void prepare(Context context, Map<String, String> settings, boolean embedded) {}

    /** Where the run reads: what the job's source is, and (batch) what the input holds. */
    abstract EventSource plan(Context context);

    /** As {@link #plan}, for an input besides the main one. */
    abstract EventSource plan(Context context, PipelineSpec.Input input);

    /** Refuses an environment this kind of run cannot use (batch: a detached submission). */
    void checkEnvironment(StreamExecutionEnvironment env) {}

    /** Right before the job is submitted (streaming: the RUNNING audit record). */
    void beforeSubmit(Context context) {}

    /**
     * Right after the job was submitted; a result ends the run here (a detached job belongs to its
     * cluster from now on).
     */
    Optional<Result> afterSubmit(
            Context context, StreamExecutionEnvironment env, JobClient client) {
        return Optional.empty();
    }

    /**
     * While an attached job runs (e.g. a shutdown hook that cancels it); undone by {@link #detach}.
     */
    void attach(Context context, JobClient client, boolean embedded) {}

    void detach(Context context) {}

    /** Counts so far, while the job runs. */
    void progress(Context context, RunCounts counts) {}

    /** The status of a job whose result could not be had: failed, or cancelled. */
    String endedStatus(JobClient client) {
        return AuditRecord.FAILED;
    }

    /** Whether a job that did not succeed still reports the counts it reached (streaming does). */
    boolean auditsCountsOfUnfinishedJobs() {
        return false;
    }

    /**
     * Makes a successful job's output visible and appends the run's audit records (a batch run
     * commits both from one manifest); the commit results by dataset role.
     */
    List<BatchRun.Committed> commit(Context context, List<AuditRecord> records) {
        context.auditLog.append(records);
        return List.of();
    }

    /** Undoes what a failed run left (batch: its staged files); {@code failure} may be null. */
    void discard(Context context, Exception failure) {}

    /**
     * The one-line error a failure is better told as (a checkpoint that cannot be restored; a full
     * disk under the outputs).
     */
    Optional<FlowbundleException> explain(Context context, Exception failure) {
        return Optional.empty();
    }

    // ---- the lifecycle ----------------------------------------------------------------------

    /**
     * Runs the pipeline once.
     *
     * @param given a source that replaces the spec's (tests wrap the real one), or null
     */
    final Result execute(RunInfo run, EventSource given) {
        boolean embedded = Environments.embedded();
        Map<String, String> settings = flinkSettings(embedded);
        AuditLog auditLog = new AuditLog(config.audit());
        auditLog.probe(config.describe("audit.path"));
        Context context =
                new Context(
                        run,
                        auditLog,
                        new RunAudit(run, spec.name(), config.actor(), attempt())
                                .settings(Secrets.redactedView(spec.clientProperties()))
                                .otherInputs(otherInputs()),
                        new OutputSinks(spec, run),
                        spec.source().describe());
        prepare(context, settings, embedded);
        // a stopped server or a misspelt topic fails here in one line, not as a job failure
        spec.preflight(Preflight.DEFAULT_TIMEOUT).run(spec.file());
        // the embedded MiniCluster comes up while the lineage and the job are planned
        EarlyCluster early = Environments.startEarly(mode(), settings);
        try {
            context.lineage = new RunLineage(spec, run, config);
        } catch (RuntimeException e) {
            EarlyCluster.closeIfUnclaimed(early);
            throw e;
        }
        try {
            return run(context, given, settings, early, embedded);
        } finally {
            context.lineage.close();
        }
    }

    /** The inputs besides the main one as the audit names them. */
    private Map<String, RunAudit.Input> otherInputs() {
        Map<String, RunAudit.Input> inputs = new LinkedHashMap<>();
        for (PipelineSpec.Input input : spec.otherInputs()) {
            inputs.put(
                    input.view(),
                    new RunAudit.Input(
                            input.source().describe(),
                            input.dedupe() != null,
                            spec.quarantineOf(input).describe()));
        }
        return inputs;
    }

    /** Which attempt of a scheduled step this is, for the audit (null: not scheduled). */
    Integer attempt() {
        return null;
    }

    private Result run(
            Context context,
            EventSource given,
            Map<String, String> settings,
            EarlyCluster early,
            boolean embedded) {
        RunInfo run = context.run;
        OutputSinks sinks = context.sinks;
        LOG.info(
                "run {} of {} ({}): reading {}",
                run.runId(),
                spec.name(),
                scope(run),
                context.source);
        StreamExecutionEnvironment env;
        JobClient client;
        try {
            EventSource events = given != null ? given : plan(context);
            Map<String, EventSource> others = new LinkedHashMap<>();
            for (PipelineSpec.Input input : spec.otherInputs()) {
                others.put(input.view(), plan(context, input));
            }
            env = Environments.create(mode(), settings, early);
            checkEnvironment(env);
            PipelineJob job = new PipelineJob(spec, run, events, others, sinks);
            job.build(env);
            beforeSubmit(context);
            context.lineage.start(sinks.datasets());
            context.jobStarted = Instant.now();
            client = env.executeAsync(job.jobName());
            context.jobId = client.getJobID().toHexString();
        } catch (Exception e) {
            EarlyCluster.closeIfUnclaimed(early);
            throw failed(context, new JobEnd(null, AuditRecord.FAILED, e));
        }
        Optional<Result> detached = afterSubmit(context, env, client);
        if (detached.isPresent()) {
            return detached.get();
        }
        LOG.info("run {} of {}: job {} is running", run.runId(), spec.name(), client.getJobID());
        JobEnd end = await(context, client, embedded);
        if (end.failure() != null && end.status().equals(AuditRecord.FAILED)) {
            throw failed(context, end);
        }
        return ended(context, end);
    }

    private JobEnd await(Context context, JobClient client, boolean embedded) {
        attach(context, client, embedded);
        try {
            JobExecutionResult done =
                    JobProgress.await(
                            client,
                            progressInterval,
                            progress -> {
                                LOG.info(
                                        "run {}: {} s, so far {}",
                                        context.run.runId(),
                                        Duration.between(context.jobStarted, Instant.now())
                                                .toSeconds(),
                                        progress);
                                progress(context, progress);
                            });
            RunCounts counts = RunCounts.of(done.getAllAccumulatorResults());
            LOG.info(
                    "run {} job finished in {} ms: {}",
                    context.run.runId(),
                    done.getNetRuntime(),
                    counts);
            return new JobEnd(counts, AuditRecord.SUCCEEDED, null);
        } catch (Exception e) {
            String status = endedStatus(client);
            RunCounts counts = auditsCountsOfUnfinishedJobs() ? JobProgress.counts(client) : null;
            return new JobEnd(counts, status, e);
        } finally {
            detach(context);
        }
    }

    /** A job that succeeded, or (streaming) was cancelled: audited, committed, told to lineage. */
    private Result ended(Context context, JobEnd end) {
        RunCounts counts = end.counts();
        Instant ended = Instant.now();
        auditGraph(context, counts, ended);
        boolean succeeded = end.status().equals(AuditRecord.SUCCEEDED);
        context.audit.finish(
                counts,
                context.started,
                ended,
                context.source,
                succeeded
                        ? RunAudit.Outcome.succeeded()
                        : new RunAudit.Outcome(end.status(), null));
        List<AuditRecord> records = context.audit.records();
        if (!succeeded) {
            context.auditLog.append(records);
            context.lineage.abort(
                    context.sinks.datasets(), counts == null ? RunCounts.of(Map.of()) : counts);
            return new Result(
                    context.run,
                    counts,
                    List.of(),
                    Duration.between(context.started, ended),
                    end.status(),
                    records);
        }
        List<BatchRun.Committed> committed;
        try {
            committed = commit(context, records);
        } catch (RuntimeException e) {
            // the run's audit records are in the commit's manifest: the next run appends them
            context.lineage.fail(context.sinks.datasets(), e.getMessage(), e);
            throw e;
        }
        Map<String, PartitionCommitter.Result> commits = new HashMap<>();
        committed.forEach(c -> commits.put(c.role(), c.result()));
        context.lineage.complete(context.sinks.datasets(), counts, commits);
        if (!counts.reconciles()) {
            // a bug, not a data problem: say so loudly, the audit log has the numbers
            LOG.error("run {}: counts do not reconcile: {}", context.run.runId(), counts);
        }
        return new Result(
                context.run,
                counts,
                committed,
                Duration.between(context.started, ended),
                end.status(),
                records);
    }

    /**
     * A run that failed before or while its job ran: nothing committed, audited, told to lineage.
     */
    private FlowbundleException failed(Context context, JobEnd end) {
        Optional<FlowbundleException> explained = explain(context, end.failure());
        discard(context, end.failure());
        String message =
                explained
                        .map(Throwable::getMessage)
                        .orElseGet(() -> Failures.describe(end.failure()));
        Instant ended = Instant.now();
        auditGraph(context, end.counts(), ended);
        context.audit.finish(
                end.counts(),
                context.started,
                ended,
                context.source,
                RunAudit.Outcome.failed(message));
        context.auditLog.append(context.audit.records());
        context.lineage.fail(context.sinks.datasets(), message, end.failure());
        if (explained.isPresent()) {
            return explained.get();
        }
        String what = context.jobStarted == null ? " failed to start: " : " failed: ";
        return new FlowbundleException(
                mode().name().toLowerCase(Locale.ROOT)
                        + " run "
                        + context.run.runId()
                        + " of "
                        + spec.name()
                        + what
                        + message,
                end.failure());
    }

    private void auditGraph(Context context, RunCounts counts, Instant ended) {
        if (counts == null || context.jobStarted == null) {
            return;
        }
        OutputSinks.Targets targets = context.sinks.targets();
        context.audit.graphSteps(
                counts,
                context.jobStarted,
                ended,
                new RunAudit.Graph(
                        context.source,
                        spec.dedupe() != null,
                        targets.outputs(),
                        targets.quarantine(),
                        targets.staging()));
    }

    /** What the run reads, for its first log line. */
    abstract String scope(RunInfo run);
}
