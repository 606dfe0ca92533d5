package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.audit.RunAudit;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.Preflight;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One streaming run of a pipeline over Kafka: the shared graph in STREAMING mode with checkpoints,
 * until the input ends ({@code bounded}) or the job is cancelled. Counts are logged while it runs
 * and audited when it ends.
 */
public final class StreamRun {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRun.class);

    /**
     * Defaults a streaming run needs; config and -D win. The RocksDB ones matter only when
     * {@code state.backend.type: rocksdb} is chosen: Bloom filters, because most dedupe lookups are
     * for keys not seen yet; window timers on the heap (a timer per window and key, few enough),
     * instead of a RocksDB write and delete per timer; incremental checkpoints (measured in
     * docs/PERFORMANCE.md).
     */
    static final Map<String, String> STREAMING_DEFAULTS =
            Map.of(
                    "execution.checkpointing.interval", "10 s",
                    "execution.checkpointing.externalized-checkpoint-retention",
                            "RETAIN_ON_CANCELLATION",
                    "state.backend.type", "hashmap",
                    "state.backend.rocksdb.use-bloom-filter", "true",
                    "state.backend.rocksdb.timer-service.factory", "HEAP",
                    "execution.checkpointing.incremental", "true");

    /** What a run did. */
    public record Summary(RunInfo run, RunCounts counts, Duration took, String status) {}

    private final PipelineSpec spec;
    private final RuntimeConfig config;
    private final boolean bounded;
    private final Duration progressInterval;
    private final boolean fromScratch;

    public StreamRun(PipelineSpec spec, RuntimeConfig config, boolean bounded, Duration progressInterval) {
        this(spec, config, bounded, progressInterval, false);
    }

    /**
     * @param fromScratch ignore retained checkpoints and start from the source's {@code start}
     *     offsets; otherwise the run resumes from the pipeline's newest one (see {@link StreamRestore})
     */
    public StreamRun(
            PipelineSpec spec, RuntimeConfig config, boolean bounded, Duration progressInterval, boolean fromScratch) {
        if (!spec.source().streams()) {
            throw new FlowbundleException(
                    spec.file()
                            + ": source is "
                            + spec.source().describe()
                            + " (type "
                            + spec.source().type()
                            + "), which a streaming run cannot read: use a source that streams, such as"
                            + " type: kafka, or `flowbundle batch` for this one");
        }
        this.spec = spec.withDefaults(config);
        this.config = config;
        this.bounded = bounded;
        this.progressInterval = progressInterval;
        this.fromScratch = fromScratch;
    }

    /**
     * Flink settings of the run: streaming defaults and, on the embedded MiniCluster, a checkpoint
     * folder per pipeline (a cluster's own configuration decides where its checkpoints go), then
     * the runtime config.
     */
    Map<String, String> flinkSettings(boolean embedded) {
        Map<String, String> settings = new LinkedHashMap<>(STREAMING_DEFAULTS);
        if (embedded) {
            settings.put(
                    "execution.checkpointing.dir",
                    Path.of(".flowbundle", "checkpoints", spec.name()).toAbsolutePath().toUri().toString());
        }
        settings.putAll(config.flink());
        return settings;
    }

    public Summary run() {
        return run(spec.source().plan(spec, bounded, null).events());
    }

    public Summary run(EventSource source) {
        // a stopped broker or a misspelt topic fails here in one line, not as a job failure
        spec.preflight(Preflight.DEFAULT_TIMEOUT).run(spec.file());
        RunInfo run = RunInfo.start(RunInfo.Mode.STREAMING, null);
        AuditLog auditLog = new AuditLog(config.auditLog());
        String sourceName = spec.source().describe();
        Instant started = Instant.now();
        boolean embedded = Environments.embedded();
        Map<String, String> settings = flinkSettings(embedded);
        StreamRestore restore =
                StreamRestore.decide(
                        settings, embedded ? null : restorePathOfClient(), fromScratch, spec.source(), Instant.now());
        LOG.info("{}: {}", spec.name(), restore.message());
        // the embedded MiniCluster comes up while the lineage and the job are planned
        EarlyCluster early = Environments.startEarly(RunInfo.Mode.STREAMING, settings);
        OutputSinks sinks = new OutputSinks(spec, run);
        PipelineJob job = new PipelineJob(spec, run, source, sinks);
        RunLineage lineage;
        StreamExecutionEnvironment env;
        try {
            lineage = new RunLineage(spec, run, config);
            env = Environments.create(RunInfo.Mode.STREAMING, settings, early);
        } catch (RuntimeException e) {
            EarlyCluster.closeIfUnclaimed(early);
            throw e;
        }
        auditLog.append(
                new RunAudit(run, spec.name(), config.actor())
                        .finish(null, started, null, sourceName, RunAudit.Outcome.running())
                        .records());
        JobClient client;
        try {
            client = job.executeAsync(env);
        } catch (Exception e) {
            EarlyCluster.closeIfUnclaimed(early);
            FlowbundleException unrestorable = restore.failure(e).orElse(null);
            String message = unrestorable != null ? unrestorable.getMessage() : Failures.describe(e);
            auditLog.append(
                    new RunAudit(run, spec.name(), config.actor())
                            .finish(null, started, Instant.now(), sourceName, RunAudit.Outcome.failed(message))
                            .records());
            lineage.fail(sinks.datasets(), message, e);
            lineage.close();
            if (unrestorable != null) {
                throw unrestorable;
            }
            throw new FlowbundleException("stream run of " + spec.name() + " failed to start: " + message, e);
        }
        lineage.start(sinks.datasets());
        if (Environments.detached(env)) {
            // flink run -d: the cluster owns the job now; stop it with `flink stop` or `flink cancel`
            LOG.info("run {} of {}: submitted detached as job {}", run.runId(), spec.name(), client.getJobID());
            lineage.close();
            return new Summary(run, null, Duration.between(started, Instant.now()), "submitted");
        }
        LOG.info(
                "run {} of {}: job {} reading {}{}",
                run.runId(),
                spec.name(),
                client.getJobID(),
                sourceName,
                bounded ? " up to its current end" : " until cancelled");
        Thread cancelOnExit =
                new Thread(
                        () -> {
                            try {
                                client.cancel().get(30, TimeUnit.SECONDS);
                            } catch (Exception ignored) {
                                // the JVM is going down; the job dies with its MiniCluster
                            }
                        },
                        "flowbundle-cancel");
        // on the embedded MiniCluster the job cannot outlive this JVM: cancel it cleanly on Ctrl-C;
        // a job on a cluster keeps running when an attached client goes away, as Flink's CLI does
        if (embedded) {
            Runtime.getRuntime().addShutdownHook(cancelOnExit);
        }
        String status = AuditRecord.SUCCEEDED;
        String error = null;
        RunCounts counts = null;
        FlowbundleException unrestorable = null;
        try {
            JobExecutionResult done =
                    JobProgress.await(
                            client,
                            progressInterval,
                            progress -> {
                                LOG.info("run {}: {}", run.runId(), progress);
                                lineage.running(sinks.datasets(), progress);
                            });
            counts = RunCounts.of(done.getAllAccumulatorResults());
        } catch (Exception e) {
            JobStatus jobStatus = jobStatus(client);
            status = jobStatus == JobStatus.CANCELED ? AuditRecord.CANCELLED : AuditRecord.FAILED;
            error = status.equals(AuditRecord.FAILED) ? Failures.describe(e) : null;
            unrestorable = status.equals(AuditRecord.FAILED) ? restore.failure(e).orElse(null) : null;
            if (unrestorable != null) {
                error = unrestorable.getMessage();
            }
            counts = JobProgress.counts(client);
        } finally {
            try {
                if (embedded) {
                    Runtime.getRuntime().removeShutdownHook(cancelOnExit);
                }
            } catch (IllegalStateException shuttingDown) {
                // already running: nothing to remove
            }
        }
        Instant ended = Instant.now();
        RunAudit audit = new RunAudit(run, spec.name(), config.actor());
        if (counts != null) {
            OutputSinks.Targets targets = sinks.targets();
            audit.graphSteps(counts, started, ended, new RunAudit.Graph(
                    sourceName, spec.dedupe() != null, targets.outputs(), targets.quarantine(), targets.staging()));
        }
        audit.finish(counts, started, ended, sourceName, new RunAudit.Outcome(status, error));
        auditLog.append(audit.records());
        if (status.equals(AuditRecord.SUCCEEDED)) {
            lineage.complete(sinks.datasets(), counts, Map.of());
        } else if (status.equals(AuditRecord.CANCELLED)) {
            lineage.abort(sinks.datasets(), counts == null ? RunCounts.of(Map.of()) : counts);
        } else {
            lineage.fail(sinks.datasets(), error, null);
        }
        lineage.close();
        if (unrestorable != null) {
            // exit 2: the same command fails the same way until the user chooses (--from-scratch)
            throw unrestorable;
        }
        if (status.equals(AuditRecord.FAILED)) {
            throw new FlowbundleException("stream run " + run.runId() + " of " + spec.name() + " failed: " + error);
        }
        return new Summary(run, counts, Duration.between(started, ended), status);
    }

    /** The restore path {@code flink run -s} gave the client, or null. */
    private static String restorePathOfClient() {
        return StreamExecutionEnvironment.getExecutionEnvironment()
                .getConfiguration()
                .getOptional(StateRecoveryOptions.SAVEPOINT_PATH)
                .orElse(null);
    }

    private static JobStatus jobStatus(JobClient client) {
        try {
            return client.getJobStatus().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return JobStatus.FAILED;
        }
    }
}
