package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.audit.RunAudit;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.parquet.RunCommit;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bounded run of a pipeline: extract (list and check the input files), run the shared graph in
 * BATCH mode, commit the outputs partition by partition, and audit every step. A failed run
 * commits nothing and leaves the previous outputs as they were.
 */
public final class BatchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);

    /** What a run did. */
    public record Summary(
            RunInfo run,
            RunCounts counts,
            List<Committed> outputs,
            Duration took,
            List<AuditRecord> audit) {}

    /** One dataset the run committed. */
    public record Committed(String role, String target, PartitionCommitter.Result result) {}

    /** How often a run logs its counts while the job runs, unless told otherwise. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);

    private final PipelineSpec spec;
    private final RuntimeConfig config;
    private final LocalDate logicalDate;
    private final Integer attempt;
    private final Duration progressInterval;

    public BatchRun(PipelineSpec spec, RuntimeConfig config, LocalDate logicalDate) {
        this(spec, config, logicalDate, null, DEFAULT_PROGRESS_INTERVAL);
    }

    /**
     * @param attempt which attempt of a scheduled step this is (recorded in the audit log)
     * @param progressInterval how often to log the counts so far while the job runs
     */
    public BatchRun(
            PipelineSpec spec, RuntimeConfig config, LocalDate logicalDate, Integer attempt, Duration progressInterval) {
        this.spec = spec.withDefaults(config);
        this.config = config;
        this.logicalDate = logicalDate;
        this.attempt = attempt;
        this.progressInterval = progressInterval;
    }

    public Summary run() {
        return run(RunInfo.start(RunInfo.Mode.BATCH, logicalDate));
    }

    public Summary run(RunInfo run) {
        AuditLog auditLog = new AuditLog(config.auditLog());
        manifestFile().ifPresent(manifest -> recover(manifest, auditLog));
        RunAudit audit = new RunAudit(run, spec.name(), config.actor(), attempt);
        Instant started = Instant.now();
        String source = spec.source().describe();
        OutputSinks sinks = new OutputSinks(spec, run);
        // the embedded MiniCluster comes up while the lineage and the job are planned
        EarlyCluster early = Environments.startEarly(RunInfo.Mode.BATCH, config.flink());
        RunLineage lineage;
        try {
            lineage = new RunLineage(spec, run, config);
        } catch (RuntimeException e) {
            EarlyCluster.closeIfUnclaimed(early);
            throw e;
        }
        LOG.info(
                "run {} of {} ({}): reading {}",
                run.runId(),
                spec.name(),
                logicalDate == null ? "all dates" : "logical date " + logicalDate,
                source);
        try {
            EventSource events = extract(run, audit, started, lineage);
            PipelineJob job = new PipelineJob(spec, run, events, sinks);
            StreamExecutionEnvironment env =
                    Environments.create(RunInfo.Mode.BATCH, config.flink(), early);
            if (Environments.detached(env)) {
                throw new FlowbundleException(
                        "batch runs commit their output and audit after the job ends, so they"
                                + " cannot be submitted detached; run `flink run` without -d");
            }
            job.build(env);
            lineage.start(sinks.datasets());
            Instant jobStarted = Instant.now();
            JobExecutionResult result =
                    JobProgress.await(
                            env.executeAsync(job.jobName()),
                            progressInterval,
                            progress ->
                                    LOG.info(
                                            "run {}: {} s, so far {}",
                                            run.runId(),
                                            Duration.between(jobStarted, Instant.now()).toSeconds(),
                                            progress));
            Instant jobEnded = Instant.now();
            RunCounts counts = RunCounts.of(result.getAllAccumulatorResults());
            LOG.info("run {} job finished in {} ms: {}", run.runId(), result.getNetRuntime(), counts);

            Instant ended = Instant.now();
            OutputSinks.Targets targets = sinks.targets();
            audit.graphSteps(counts, jobStarted, jobEnded, new RunAudit.Graph(
                    source, spec.dedupe() != null, targets.outputs(), targets.quarantine(), targets.staging()));
            audit.finish(counts, started, ended, source, RunAudit.Outcome.succeeded());
            List<Committed> committed = commit(run, sinks, audit.records(), auditLog);
            Map<String, PartitionCommitter.Result> commits = new HashMap<>();
            committed.forEach(c -> commits.put(c.role(), c.result()));
            lineage.complete(sinks.datasets(), counts, commits);
            if (!counts.reconciles()) {
                // a bug, not a data problem: say so loudly, the audit log has the numbers
                LOG.error("run {}: counts do not reconcile: {}", run.runId(), counts);
            }
            return new Summary(
                    run, counts, committed, Duration.between(started, ended), audit.records());
        } catch (CommitInterrupted e) {
            // the staged files and the manifest stay: the next run of the pipeline completes the commit
            EarlyCluster.closeIfUnclaimed(early);
            lineage.fail(sinks.datasets(), e.getMessage(), e);
            throw new FlowbundleException(e.getMessage(), e.getCause());
        } catch (Exception e) {
            EarlyCluster.closeIfUnclaimed(early);
            for (OutputSinks.Dataset dataset : sinks.datasets()) {
                if (dataset.stagedDir() != null) {
                    PartitionCommitter.abort(dataset.stagedDir());
                }
            }
            String message = Failures.describe(e);
            audit.finish(null, started, Instant.now(), source, RunAudit.Outcome.failed(message));
            auditLog.append(audit.records());
            lineage.fail(sinks.datasets(), message, e);
            throw new FlowbundleException(
                    "batch run " + run.runId() + " of " + spec.name() + " failed: " + message, e);
        } finally {
            lineage.close();
        }
    }

    /**
     * Where this pipeline's commits keep their manifest: beside its first file dataset (none when
     * every sink commits by itself, as Kafka's transactions do).
     */
    private Optional<Path> manifestFile() {
        for (PipelineSpec.DeclaredSink declared : spec.declaredSinks()) {
            Optional<Path> folder = declared.sink().retainedFolder();
            if (folder.isPresent()) {
                return Optional.of(RunCommit.manifestFile(folder.get(), spec.name()));
            }
        }
        return Optional.empty();
    }

    /** Completes the commit of an earlier run that died in it, before this run writes anything. */
    private void recover(Path manifest, AuditLog auditLog) {
        RunCommit.recover(manifest, auditLog)
                .ifPresent(
                        recovered ->
                                LOG.warn(
                                        "run {} of {} was interrupted while committing its output; its commit"
                                                + " ({}) is now complete: {}",
                                        recovered.runId(),
                                        spec.name(),
                                        manifest,
                                        String.join(", ", recovered.targets())));
    }

    /** A commit that failed after its manifest was written: the next run completes it. */
    private static final class CommitInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommitInterrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Commits every staged dataset of the run in one manifest with the run's audit records, so the
     * datasets and the audit agree after a crash anywhere in it ({@link RunCommit}).
     */
    private List<Committed> commit(RunInfo run, OutputSinks sinks, List<AuditRecord> records, AuditLog auditLog) {
        List<RunCommit.Dataset> staged = new ArrayList<>();
        Map<String, String> targets = new HashMap<>();
        for (OutputSinks.Dataset dataset : sinks.datasets()) {
            if (dataset.stagedDir() != null) {
                staged.add(
                        RunCommit.stage(
                                dataset.role(),
                                dataset.target(),
                                dataset.stagedDir(),
                                dataset.partitioning().keyNames().size(),
                                dataset.ownedPartitions(run)));
                targets.put(dataset.role(), OutputSinks.describe(dataset));
            }
        }
        if (staged.isEmpty()) {
            auditLog.append(records);
            return List.of();
        }
        Path manifest = manifestFile().orElseThrow();
        Map<String, PartitionCommitter.Result> results;
        try {
            results = RunCommit.commit(manifest, RunCommit.Manifest.of(run.runId(), spec.name(), staged, records), auditLog);
        } catch (RuntimeException e) {
            throw new CommitInterrupted(
                    "batch run " + run.runId() + " of " + spec.name() + ": the job succeeded but its commit failed ("
                            + Failures.describe(e) + "); the next run of " + spec.name()
                            + " completes it from " + manifest,
                    e);
        }
        List<Committed> committed = new ArrayList<>();
        for (Map.Entry<String, PartitionCommitter.Result> result : results.entrySet()) {
            String target = targets.get(result.getKey());
            PartitionCommitter.Result commit = result.getValue();
            committed.add(new Committed(result.getKey(), target, commit));
            LOG.info(
                    "run {} committed {} to {}: {} file(s), partitions written {}, replaced {}",
                    run.runId(),
                    result.getKey(),
                    target,
                    commit.files(),
                    commit.written(),
                    commit.replaced());
        }
        return committed;
    }

    private EventSource extract(RunInfo run, RunAudit audit, Instant started, RunLineage lineage) {
        SourcePlan plan = spec.source().plan(spec, true, logicalDate);
        SourcePlan.Input input = plan.input();
        if (input == null) {
            // nothing known before the job (a bounded read of a topic: up to the offsets found at start)
            return plan.events();
        }
        LOG.info(
                "run {}: {} file(s), {} rows, {} bytes match contract {} v{}",
                run.runId(),
                input.files(),
                input.rows(),
                input.bytes(),
                spec.contract().name(),
                spec.contract().schemaVersion());
        lineage.input(input.rows(), input.bytes(), input.files());
        audit.step(AuditRecord.builder()
                .step("extract")
                .startedAt(started)
                .endedAt(Instant.now())
                .sources(input.locations())
                .rowsIn(input.rows())
                .rowsOut(input.rows())
                .status(AuditRecord.SUCCEEDED));
        return plan.events();
    }
}
