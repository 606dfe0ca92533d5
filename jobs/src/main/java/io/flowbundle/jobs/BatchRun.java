package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.audit.RunAudit;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetSchemaCheck;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SourceSpec;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        this.spec = spec;
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

            List<Committed> committed = new ArrayList<>();
            Map<String, PartitionCommitter.Result> commits = new HashMap<>();
            for (OutputSinks.Dataset dataset : sinks.datasets()) {
                String target = OutputSinks.describe(dataset);
                if (dataset.stagedDir() == null) {
                    continue;
                }
                PartitionCommitter.Result commit =
                        PartitionCommitter.commit(
                                dataset.target(),
                                dataset.stagedDir(),
                                dataset.partitioning().keyNames().size(),
                                dataset.ownedPartitions(run));
                committed.add(new Committed(dataset.role(), target, commit));
                commits.put(dataset.role(), commit);
                LOG.info(
                        "run {} committed {} to {}: {} file(s), partitions written {}, replaced {}",
                        run.runId(),
                        dataset.role(),
                        target,
                        commit.files(),
                        commit.written(),
                        commit.replaced());
            }
            Instant ended = Instant.now();
            OutputSinks.Targets targets = sinks.targets();
            audit.graphSteps(counts, jobStarted, jobEnded, new RunAudit.Graph(
                    source, spec.dedupe() != null, targets.outputs(), targets.quarantine(), targets.staging()));
            audit.finish(counts, started, ended, source, RunAudit.Outcome.succeeded());
            auditLog.append(audit.records());
            lineage.complete(sinks.datasets(), counts, commits);
            if (!counts.reconciles()) {
                // a bug, not a data problem: say so loudly, the audit log has the numbers
                LOG.error("run {}: counts do not reconcile: {}", run.runId(), counts);
            }
            return new Summary(
                    run, counts, committed, Duration.between(started, ended), audit.records());
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

    private EventSource extract(RunInfo run, RunAudit audit, Instant started, RunLineage lineage) {
        if (spec.source() instanceof SourceSpec.Kafka) {
            // a bounded read of a topic: everything up to the offsets found at start
            return KafkaEventSource.of(spec, true);
        }
        SourceSpec.Parquet parquet = (SourceSpec.Parquet) spec.source();
        List<Path> files = ParquetInputs.list(parquet.path(), parquet.datePartition(), logicalDate);
        ParquetSchemaCheck.Stats stats = ParquetSchemaCheck.check(files, spec.contract());
        LOG.info(
                "run {}: {} file(s), {} rows, {} bytes match contract {} v{}",
                run.runId(),
                stats.files(),
                stats.rows(),
                stats.bytes(),
                spec.contract().name(),
                spec.contract().schemaVersion());
        lineage.input(stats.rows(), stats.bytes(), stats.files());
        audit.step(AuditRecord.builder()
                .step("extract")
                .startedAt(started)
                .endedAt(Instant.now())
                .sources(List.of(parquet.path().toString()))
                .rowsIn(stats.rows())
                .rowsOut(stats.rows())
                .status(AuditRecord.SUCCEEDED));
        return new ParquetEventSource(
                files, PipelineGraph.payloadType(spec), parquet.path().toString());
    }
}
