package io.flowbundle.jobs;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.SourcePlan;
import io.flowbundle.lineage.ColumnLineage;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.lineage.PipelineLineage;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage side of a run: builds {@link PipelineLineage} events from what the run knows (its
 * datasets, counts and commits) and sends them to the configured {@link LineageSink}.
 */
final class RunLineage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLineage.class);

    private final LineageSink sink;
    private final PipelineLineage events;
    private PipelineLineage.Input input = new PipelineLineage.Input(null, null, null);
    private boolean started;

    RunLineage(PipelineSpec spec, RunInfo run, RuntimeConfig config) {
        this.sink = LineageSink.create(config);
        this.events = new PipelineLineage(sink.namespace(), spec, run, columnLineage(spec));
        LOG.info("run {}: lineage events go to {}", run.runId(), sink.describe());
    }

    private static ColumnLineage columnLineage(PipelineSpec spec) {
        try {
            return ColumnLineage.derive(spec.transform(), PipelineGraph.views(spec));
        } catch (RuntimeException e) {
            LOG.warn("no column lineage for {}: {}", spec.name(), e.getMessage());
            return null;
        }
    }

    void input(Long rows, Long bytes, Long files) {
        input = new PipelineLineage.Input(rows, bytes, files);
    }

    /** What input {@code view} (besides the main one) holds, known before the job. */
    void input(String view, SourcePlan.Input read) {
        events.read(view, new PipelineLineage.Input(read.rows(), read.bytes(), read.files()));
    }

    void start(List<OutputSinks.Dataset> datasets) {
        started = true;
        sink.emit(events.start(input, outputs(datasets, null, Map.of())));
    }

    void running(List<OutputSinks.Dataset> datasets, RunCounts counts) {
        sink.emit(events.running(counts, outputs(datasets, counts, Map.of())));
    }

    void complete(
            List<OutputSinks.Dataset> datasets,
            RunCounts counts,
            Map<String, PartitionCommitter.Result> commits) {
        PipelineLineage.Input read =
                input.rows() != null
                        ? input
                        : new PipelineLineage.Input(counts.consumed(), null, null);
        sink.emit(events.complete(read, counts, outputs(datasets, counts, commits)));
    }

    /**
     * FAIL; a run that failed before its job started (say, on an input check) gets its START first.
     */
    void fail(List<OutputSinks.Dataset> datasets, String message, Throwable error) {
        if (!started) {
            // OpenLineage: every run has one START and one of COMPLETE, FAIL, ABORT
            start(datasets);
        }
        sink.emit(events.fail(input, outputs(datasets, null, Map.of()), message, error));
    }

    void abort(List<OutputSinks.Dataset> datasets, RunCounts counts) {
        sink.emit(events.abort(input, counts, outputs(datasets, counts, Map.of())));
    }

    private static List<PipelineLineage.Output> outputs(
            List<OutputSinks.Dataset> datasets,
            RunCounts counts,
            Map<String, PartitionCommitter.Result> commits) {
        List<PipelineLineage.Output> out = new ArrayList<>();
        for (OutputSinks.Dataset dataset : datasets) {
            Long rows = null;
            if (counts != null) {
                if (dataset.role().startsWith(OutputSinks.OUTPUT)) {
                    rows = counts.loaded();
                } else if (dataset.role().equals(OutputSinks.QUARANTINE)) {
                    rows = counts.rejectedOnInput() + counts.late() + counts.rejectedOnOutput();
                } else {
                    rows = counts.valid() + counts.lateAtSource();
                }
            }
            PartitionCommitter.Result commit = commits.get(dataset.role());
            out.add(
                    new PipelineLineage.Output(
                            dataset.role(),
                            dataset.id(),
                            dataset.rowType(),
                            dataset.contract(),
                            new PipelineLineage.Written(
                                    rows,
                                    commit == null ? null : commit.bytes(),
                                    commit == null ? null : commit.files(),
                                    commit != null && !commit.replaced().isEmpty())));
        }
        return out;
    }

    @Override
    public void close() {
        sink.close();
    }
}
