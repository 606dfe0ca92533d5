package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.audit.RunAudit;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming run of a pipeline ({@link PipelineRun}'s lifecycle in STREAMING mode): the shared
 * graph with checkpoints, resumed from the pipeline's newest retained checkpoint unless told
 * otherwise ({@link StreamRestore}), until the input ends ({@code bounded}) or the job is
 * cancelled. Counts are logged and sent to lineage while it runs and audited when it ends; {@code
 * flink run -d} leaves the job to its cluster.
 */
public final class StreamRun extends PipelineRun {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRun.class);

    /**
     * Defaults a streaming run needs; config and -D win. The RocksDB ones matter only when {@code
     * state.backend.type: rocksdb} is chosen: Bloom filters, because most dedupe lookups are for
     * keys not seen yet; window timers on the heap (a timer per window and key, few enough),
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

    private final boolean bounded;
    private final boolean fromScratch;
    private StreamRestore restore;
    private Thread cancelOnExit;
    private String checkpointDir;

    public StreamRun(
            PipelineSpec spec, RuntimeConfig config, boolean bounded, Duration progressInterval) {
        this(spec, config, bounded, progressInterval, false);
    }

    /**
     * @param fromScratch ignore retained checkpoints and start from the source's {@code start}
     *     offsets; otherwise the run resumes from the pipeline's newest one (see {@link
     *     StreamRestore})
     */
    public StreamRun(
            PipelineSpec spec,
            RuntimeConfig config,
            boolean bounded,
            Duration progressInterval,
            boolean fromScratch) {
        super(streaming(spec), config, progressInterval);
        this.bounded = bounded;
        this.fromScratch = fromScratch;
    }

    private static PipelineSpec streaming(PipelineSpec spec) {
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
        return spec;
    }

    /**
     * Flink settings of the run: streaming defaults and, on the embedded MiniCluster, a checkpoint
     * folder per pipeline (a cluster's own configuration decides where its checkpoints go), then
     * the runtime config.
     */
    @Override
    Map<String, String> flinkSettings(boolean embedded) {
        Map<String, String> settings = new LinkedHashMap<>(STREAMING_DEFAULTS);
        if (embedded) {
            settings.put(
                    "execution.checkpointing.dir",
                    Path.of(".flowbundle", "checkpoints", spec.name())
                            .toAbsolutePath()
                            .toUri()
                            .toString());
        }
        settings.putAll(config.flink());
        return settings;
    }

    public Summary run() {
        return run(null);
    }

    /**
     * @param source replaces the spec's source (tests wrap the real one), or null
     */
    public Summary run(EventSource source) {
        Result result = execute(RunInfo.start(RunInfo.Mode.STREAMING, null), source);
        return new Summary(result.run(), result.counts(), result.took(), result.status());
    }

    @Override
    RunInfo.Mode mode() {
        return RunInfo.Mode.STREAMING;
    }

    @Override
    String scope(RunInfo run) {
        return bounded ? "up to its current end" : "until cancelled";
    }

    /**
     * Chooses where the job starts: the user's savepoint, the newest retained checkpoint, or
     * scratch.
     */
    @Override
    void prepare(Context context, Map<String, String> settings, boolean embedded) {
        CheckpointLocations.check(settings, config);
        String givenToClient = embedded ? null : restorePathOfClient();
        restore =
                bounded && !fromScratch
                        ? StreamRestore.forBounded(settings, givenToClient, spec.source())
                        : StreamRestore.decide(
                                settings, givenToClient, fromScratch, spec.source(), Instant.now());
        LOG.info("{}: {}", spec.name(), restore.message());
        checkpointDir = settings.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
    }

    @Override
    EventSource plan(Context context) {
        return spec.source().plan(spec, bounded, null).events();
    }

    /**
     * An input besides the main one: a stream is read as the main one is; a dimension that does not
     * stream (Parquet) is read once, when the job starts, and said so in the log and the audit.
     */
    @Override
    EventSource plan(Context context, PipelineSpec.Input input) {
        PipelineSpec seen = spec.forInput(input);
        if (input.source().streams()) {
            return input.source().plan(seen, bounded, null).events();
        }
        if (input.role() != PipelineSpec.InputRole.DIMENSION) {
            throw new FlowbundleException(
                    spec.file()
                            + ": "
                            + input.keyOf("source")
                            + " is "
                            + input.source().describe()
                            + ", which a streaming run cannot read as events: use a source that"
                            + " streams, or declare the input role: dimension to read it once at"
                            + " start");
        }
        SourcePlan plan = input.source().plan(seen, true, null);
        String what =
                "dimension "
                        + input.view()
                        + " ("
                        + input.source().describe()
                        + ") is read once, when the job starts"
                        + (plan.input() == null ? "" : " (" + plan.input().rows() + " rows)")
                        + "; changes to it reach the next run, not this one";
        LOG.info("run {} of {}: {}", context.run.runId(), spec.name(), what);
        AuditRecord.Builder step =
                AuditRecord.builder()
                        .step("extract")
                        .startedAt(context.started)
                        .endedAt(Instant.now())
                        .sources(List.of(input.source().describe()))
                        .status(AuditRecord.SUCCEEDED)
                        .settings(Map.of("read", "once, when the job starts"));
        if (plan.input() != null) {
            step.rowsIn(plan.input().rows()).rowsOut(plan.input().rows());
            context.lineage.input(input.view(), plan.input());
        }
        context.audit.step(step);
        return plan.events();
    }

    @Override
    void beforeSubmit(Context context) {
        context.auditLog.append(
                new RunAudit(context.run, spec.name(), config.actor())
                        .finish(
                                null,
                                context.started,
                                null,
                                context.source,
                                RunAudit.Outcome.running())
                        .records());
    }

    @Override
    Optional<Result> afterSubmit(
            Context context, StreamExecutionEnvironment env, JobClient client) {
        if (!Environments.detached(env)) {
            return Optional.empty();
        }
        // flink run -d: the cluster owns the job now; stop it with `flink stop` or `flink cancel`
        LOG.info(
                "run {} of {}: submitted detached as job {}",
                context.run.runId(),
                spec.name(),
                client.getJobID());
        return Optional.of(
                new Result(
                        context.run,
                        null,
                        List.of(),
                        Duration.between(context.started, Instant.now()),
                        "submitted",
                        List.of()));
    }

    /**
     * On the embedded MiniCluster the job cannot outlive this JVM: it is cancelled cleanly on
     * Ctrl-C. A job on a cluster keeps running when an attached client goes away, as with Flink's
     * CLI.
     */
    @Override
    void attach(Context context, JobClient client, boolean embedded) {
        if (!embedded) {
            return;
        }
        cancelOnExit =
                new Thread(
                        () -> {
                            try {
                                client.cancel().get(30, TimeUnit.SECONDS);
                            } catch (Exception ignored) {
                                // the JVM is going down; the job dies with its MiniCluster
                            }
                        },
                        "flowbundle-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
    }

    @Override
    void detach(Context context) {
        if (cancelOnExit == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cancelOnExit);
        } catch (IllegalStateException shuttingDown) {
            // already running: nothing to remove
        }
        cancelOnExit = null;
    }

    /**
     * A bounded job that finished leaves its final checkpoint behind (its tasks are recorded as
     * finished in it); an unbounded run resumed from it would restore finished sources and read
     * nothing. So a successful bounded run removes its own job's checkpoints; the consumer group's
     * offsets, committed with each checkpoint, say where it got to.
     */
    @Override
    List<BatchRun.Committed> commit(Context context, List<AuditRecord> records) {
        List<BatchRun.Committed> committed = super.commit(context, records);
        String dir = checkpointDir;
        if (bounded && dir != null && context.jobId != null) {
            RetainedCheckpoints.deleteJob(dir, context.jobId);
        }
        return committed;
    }

    @Override
    void progress(Context context, RunCounts counts) {
        context.lineage.running(context.sinks.datasets(), counts);
    }

    @Override
    String endedStatus(JobClient client) {
        return jobStatus(client) == JobStatus.CANCELED ? AuditRecord.CANCELLED : AuditRecord.FAILED;
    }

    @Override
    boolean auditsCountsOfUnfinishedJobs() {
        return true;
    }

    /**
     * A checkpoint that cannot be restored: exit 2, the same command fails the same way until the
     * user chooses.
     */
    @Override
    Optional<FlowbundleException> explain(Context context, Exception failure) {
        return restore == null
                ? Optional.empty()
                : restore.failure(failure).map(FlowbundleException.class::cast);
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
