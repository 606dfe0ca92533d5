package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.EventSource;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.parquet.RunCommit;
import io.flowbundle.parquet.RunLock;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bounded run of a pipeline ({@link PipelineRun}'s lifecycle in BATCH mode): first completes a
 * commit an earlier run left unfinished, then lists and checks the input files (audited as the
 * {@code extract} step), runs the shared graph, and commits every dataset the run wrote aside
 * together with its audit records from one manifest ({@link RunCommit}). A failed run commits
 * nothing and leaves the previous outputs as they were. Two runs of one pipeline never overlap:
 * each holds the pipeline's {@link RunLock} while it runs.
 */
public final class BatchRun extends PipelineRun {

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

    private final LocalDate logicalDate;
    private final Integer attempt;

    public BatchRun(PipelineSpec spec, RuntimeConfig config, LocalDate logicalDate) {
        this(spec, config, logicalDate, null, DEFAULT_PROGRESS_INTERVAL);
    }

    /**
     * @param attempt which attempt of a scheduled step this is (recorded in the audit log)
     * @param progressInterval how often to log the counts so far while the job runs
     */
    public BatchRun(
            PipelineSpec spec,
            RuntimeConfig config,
            LocalDate logicalDate,
            Integer attempt,
            Duration progressInterval) {
        super(spec, config, progressInterval);
        this.logicalDate = logicalDate;
        this.attempt = attempt;
    }

    public Summary run() {
        return run(RunInfo.start(RunInfo.Mode.BATCH, logicalDate));
    }

    /**
     * Runs once, holding the pipeline's {@link RunLock} from before it writes anything (the
     * recovery of an interrupted commit included) until it ends, however it ends.
     */
    public Summary run(RunInfo run) {
        Optional<RunLock> lock = lock(run);
        try {
            Result result = execute(run, null);
            return new Summary(
                    result.run(),
                    result.counts(),
                    result.committed(),
                    result.took(),
                    result.audit());
        } finally {
            lock.ifPresent(this::release);
        }
    }

    /**
     * Gives the lock back. A lock that cannot be removed (object storage down when the run failed
     * because of it) must not hide why the run ended: it stays, and the next run takes it over once
     * this process has ended.
     */
    private void release(RunLock lock) {
        try {
            lock.close();
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: cannot remove this run's lock ({}); the next run takes it over once this"
                            + " process has ended",
                    spec.name(),
                    Failures.describe(e));
        }
    }

    @Override
    RunInfo.Mode mode() {
        return RunInfo.Mode.BATCH;
    }

    @Override
    Map<String, String> flinkSettings(boolean embedded) {
        return config.flink();
    }

    @Override
    Integer attempt() {
        return attempt;
    }

    @Override
    String scope(RunInfo run) {
        return logicalDate == null ? "all dates" : "logical date " + logicalDate;
    }

    @Override
    void prepare(Context context, Map<String, String> settings, boolean embedded) {
        manifestFile().ifPresent(manifest -> recover(manifest, context.auditLog));
        removeLeftovers(context.run);
    }

    /**
     * Removes what runs that ended before their commit left (killed in their job, or a clean-up
     * that failed): their staged files, hidden from readers and never committed. This run holds the
     * pipeline's lock, so no other run is writing them.
     */
    private void removeLeftovers(RunInfo run) {
        for (PipelineSpec.DeclaredSink declared : spec.declaredSinks()) {
            Optional<Path> folder = declared.sink().retainedFolder();
            if (folder.isEmpty()) {
                continue;
            }
            try {
                for (PartitionCommitter.Leftover leftover :
                        PartitionCommitter.leftovers(folder.get(), run.runId())) {
                    boolean heldFiles = !FileTrees.listFiles(leftover.dir()).isEmpty();
                    FileTrees.deleteRecursively(leftover.dir());
                    if (!heldFiles) {
                        // the empty folder (marker) a commit that moved files on object storage
                        // leaves
                        continue;
                    }
                    LOG.warn(
                            "run {} of {} ended before its commit (killed, or its clean-up"
                                    + " failed): nothing of it was committed; removed its staged"
                                    + " files {}",
                            leftover.runId(),
                            spec.name(),
                            leftover.dir());
                }
            } catch (IOException e) {
                throw new FlowbundleException(
                        spec.file()
                                + ": "
                                + declared.key()
                                + ".path: cannot remove the staged files an earlier run left: "
                                + StorageErrors.describe(folder.get(), e),
                        e);
            }
        }
    }

    @Override
    void checkEnvironment(StreamExecutionEnvironment env) {
        if (Environments.detached(env)) {
            throw new FlowbundleException(
                    "batch runs commit their output and audit after the job ends, so they"
                            + " cannot be submitted detached; run `flink run` without -d");
        }
    }

    /**
     * Deletes what the failed run staged. A delete that fails (the storage that failed the run is
     * still down) leaves hidden files no reader sees; the next run removes them ({@link
     * #removeLeftovers}), and the run's own error is what it reports. On object storage that did
     * not answer, the run does not try: each delete would wait out the retries first.
     */
    @Override
    void discard(Context context, Exception failure) {
        boolean storeDown = failure != null && StorageErrors.isUnreachable(failure);
        for (OutputSinks.Dataset dataset : context.sinks.datasets()) {
            if (dataset.stagedDir() == null) {
                continue;
            }
            if (storeDown && !Locations.isLocal(dataset.stagedDir())) {
                LOG.warn(
                        "run {}: leaves its staged files {} (the object store does not answer);"
                                + " the next run of {} removes them",
                        context.run.runId(),
                        dataset.stagedDir(),
                        spec.name());
                continue;
            }
            try {
                PartitionCommitter.abort(dataset.stagedDir());
            } catch (RuntimeException e) {
                LOG.warn(
                        "run {}: cannot remove its staged files {} ({}); the next run of {}"
                                + " removes them",
                        context.run.runId(),
                        dataset.stagedDir(),
                        Failures.describe(e),
                        spec.name());
            }
        }
    }

    /**
     * A full disk under the run's datasets: one line naming where the run was writing, instead of
     * the bare {@code IOException: No space left on device} of the writer (which names no file).
     * Nothing of the run was committed, so the previous output is unchanged.
     */
    @Override
    Optional<FlowbundleException> explain(Context context, Exception failure) {
        if (failure == null) {
            return Optional.empty();
        }
        Optional<Path> unreachable =
                context.sinks.datasets().stream()
                        .filter(dataset -> dataset.stagedDir() != null)
                        .map(OutputSinks.Dataset::target)
                        .filter(target -> !Locations.isLocal(target))
                        .findFirst()
                        .filter(target -> StorageErrors.isUnreachable(failure));
        if (unreachable.isPresent()) {
            return Optional.of(
                    new FlowbundleException(
                            "batch run "
                                    + context.run.runId()
                                    + " of "
                                    + spec.name()
                                    + " failed: "
                                    + StorageErrors.describe(unreachable.get(), failure)
                                    + "; nothing was committed and the previous output is"
                                    + " unchanged: run the date again once it answers",
                            failure));
        }
        if (!Failures.isOutOfSpace(failure)) {
            return Optional.empty();
        }
        List<String> where =
                context.sinks.datasets().stream()
                        .filter(dataset -> dataset.stagedDir() != null)
                        .map(OutputSinks::describe)
                        .toList();
        return Optional.of(
                new FlowbundleException(
                        "batch run "
                                + context.run.runId()
                                + " of "
                                + spec.name()
                                + " failed: no space left on the device writing "
                                + String.join(", ", where)
                                + "; nothing was committed and the previous output is unchanged:"
                                + " free space there and run the date again",
                        failure));
    }

    /**
     * Takes the pipeline's lock beside its first file dataset; a lock that cannot be written (a
     * bucket that does not exist, a folder without write access) is one line naming that spec key.
     */
    private Optional<RunLock> lock(RunInfo run) {
        return firstFileDataset()
                .map(
                        declared -> {
                            Path manifest = RunCommit.manifestFile(folder(declared), spec.name());
                            try {
                                return RunLock.acquire(
                                        RunLock.lockFile(manifest, spec.name()),
                                        spec.name(),
                                        run.runId());
                            } catch (UncheckedIOException e) {
                                throw new FlowbundleException(
                                        spec.file()
                                                + ": "
                                                + declared.key()
                                                + ".path: "
                                                + e.getMessage(),
                                        e);
                            }
                        });
    }

    /** Where this pipeline's commits keep their manifest. */
    private Optional<Path> manifestFile() {
        return firstFileDataset()
                .map(declared -> RunCommit.manifestFile(folder(declared), spec.name()));
    }

    /**
     * The first sink that keeps files: the pipeline's manifest and lock live beside it (none when
     * every sink commits by itself, as Kafka's transactions do).
     */
    private Optional<PipelineSpec.DeclaredSink> firstFileDataset() {
        return spec.declaredSinks().stream()
                .filter(declared -> declared.sink().retainedFolder().isPresent())
                .findFirst();
    }

    private static Path folder(PipelineSpec.DeclaredSink declared) {
        return declared.sink().retainedFolder().orElseThrow();
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

    /**
     * Commits every staged dataset of the run in one manifest with the run's audit records, so the
     * datasets and the audit agree after a crash anywhere in it ({@link RunCommit}).
     */
    @Override
    List<Committed> commit(Context context, List<AuditRecord> records) {
        RunInfo run = context.run;
        OutputSinks sinks = context.sinks;
        AuditLog auditLog = context.auditLog;
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
            results =
                    RunCommit.commit(
                            manifest,
                            RunCommit.Manifest.of(run.runId(), spec.name(), staged, records),
                            auditLog);
        } catch (RuntimeException e) {
            // the staged files and the manifest stay: the next run of the pipeline completes the
            // commit
            throw new FlowbundleException(
                    "batch run "
                            + run.runId()
                            + " of "
                            + spec.name()
                            + ": the job succeeded but its commit failed ("
                            + Failures.describe(e)
                            + "); the next run of "
                            + spec.name()
                            + " completes it from "
                            + manifest,
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

    /**
     * Lists and checks the input before the job (for files), audited as the {@code extract} step.
     */
    @Override
    EventSource plan(Context context) {
        SourcePlan plan = spec.source().plan(spec, true, logicalDate);
        SourcePlan.Input input = plan.input();
        if (input != null) {
            context.lineage.input(input.rows(), input.bytes(), input.files());
        }
        return extracted(context, plan, spec);
    }

    /**
     * An input besides the main one: an event input reads the run's date as the main one does, a
     * dimension is read whole.
     */
    @Override
    EventSource plan(Context context, PipelineSpec.Input input) {
        PipelineSpec seen = spec.forInput(input);
        LocalDate date = input.role() == PipelineSpec.InputRole.DIMENSION ? null : logicalDate;
        SourcePlan plan = input.source().plan(seen, true, date);
        if (plan.input() != null) {
            context.lineage.input(input.view(), plan.input());
        }
        return extracted(context, plan, seen);
    }

    private EventSource extracted(Context context, SourcePlan plan, PipelineSpec seen) {
        RunInfo run = context.run;
        SourcePlan.Input input = plan.input();
        if (input == null) {
            // nothing known before the job (a bounded read of a topic: up to the offsets found at
            // start)
            return plan.events();
        }
        LOG.info(
                "run {}: {}{} file(s), {} rows, {} bytes match contract {} v{}",
                run.runId(),
                spec.joins() ? "input " + seen.view() + ": " : "",
                input.files(),
                input.rows(),
                input.bytes(),
                seen.contract().name(),
                seen.contract().schemaVersion());
        context.audit.step(
                AuditRecord.builder()
                        .step("extract")
                        .startedAt(context.started)
                        .endedAt(Instant.now())
                        .sources(input.locations())
                        .rowsIn(input.rows())
                        .rowsOut(input.rows())
                        .status(AuditRecord.SUCCEEDED));
        return plan.events();
    }
}
