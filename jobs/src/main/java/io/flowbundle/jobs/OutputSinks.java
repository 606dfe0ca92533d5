package io.flowbundle.jobs;

import io.flowbundle.contract.Contract;
import io.flowbundle.kafka.KafkaConnectors;
import io.flowbundle.operators.Rejected;
import io.flowbundle.parquet.ParquetSinks;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SinkSpec;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The sinks a pipeline spec names: results to each {@code sink}, rejected records to the
 * {@code quarantine}, valid input to the {@code staging} layer.
 *
 * <p>Bounded runs write Parquet aside ({@link PartitionCommitter#stagingDir}) and the run commits
 * it when the job has succeeded, replacing the partitions it owns. Streaming runs write in place;
 * Flink's file sink makes files visible at checkpoints, exactly once.
 */
public final class OutputSinks implements PipelineSinks {

    /** What the run writes, and where (for commit, audit and lineage). */
    public record Dataset(
            String role,
            SinkSpec sink,
            Path target,
            Path stagedDir,
            Partitioning partitioning,
            RowType rowType,
            Contract contract) {

        /** Partitions this run replaces even if it writes nothing into them. */
        public Set<String> ownedPartitions(RunInfo run) {
            if (run.logicalDate() == null || !partitioning.isDatePartitioned()) {
                return Set.of();
            }
            return Set.of(partitioning.keyNames().get(0) + "=" + run.logicalDate());
        }
    }

    public static final String OUTPUT = "output";
    public static final String QUARANTINE = "quarantine";
    public static final String STAGING = "staging";

    private final PipelineSpec spec;
    private final RunInfo run;
    private final List<Dataset> datasets = new ArrayList<>();

    public OutputSinks(PipelineSpec spec, RunInfo run) {
        this.spec = spec;
        this.run = run;
    }

    @Override
    public void attach(PipelineGraph.Result result) {
        for (int i = 0; i < spec.sinks().size(); i++) {
            SinkSpec sink = spec.sinks().get(i);
            String where = spec.sinks().size() == 1 ? "sink" : "sink[" + i + "]";
            write(result.results(), result.resultType(), spec.outputContract(), sink, OUTPUT + (i == 0 ? "" : "-" + i), where, null);
        }
        SinkSpec quarantine = spec.quarantine();
        Path quarantineTarget = null;
        if (quarantine instanceof SinkSpec.Parquet parquet && run.logicalDate() != null) {
            // one folder per logical date, replaced by a rerun of that date
            quarantineTarget = parquet.path().resolve("date=" + run.logicalDate());
        }
        write(result.rejected(), Rejected.TYPE, null, quarantine, QUARANTINE, "quarantine", quarantineTarget);
        if (spec.staging() != null) {
            write(result.valid(), result.payloadType(), spec.contract(), spec.staging(), STAGING, "staging", null);
        }
    }

    private void write(
            DataStream<RowData> rows,
            RowType rowType,
            Contract contract,
            SinkSpec sink,
            String role,
            String where,
            Path targetOverride) {
        if (sink instanceof SinkSpec.Kafka kafka) {
            rows.sinkTo(
                            KafkaConnectors.exactlyOnceSink(
                                    kafka, rowType, "flowbundle-" + spec.name() + "-" + role))
                    .name(role + ": kafka " + kafka.topic())
                    .uid("sink-" + role);
            datasets.add(new Dataset(role, sink, null, null, Partitioning.none(rowType), rowType, contract));
            return;
        }
        SinkSpec.Parquet parquet = (SinkSpec.Parquet) sink;
        Partitioning partitioning =
                parquet.partitionBy().isEmpty()
                        ? Partitioning.none(rowType)
                        : Partitioning.of(
                                rowType,
                                parquet.partitionBy(),
                                spec.eventTime(),
                                spec.file() + ": " + where + ".partition_by");
        Path target = targetOverride != null ? targetOverride : parquet.path();
        Path dir = run.isBatch() ? PartitionCommitter.stagingDir(target, run.runId()) : target;
        rows.sinkTo(
                        ParquetSinks.fileSink(
                                dir, partitioning, parquet.compression(), "part-" + run.shortId()))
                .name(role + ": parquet " + target.getFileName())
                .uid("sink-" + role);
        datasets.add(
                new Dataset(role, sink, target, run.isBatch() ? dir : null, partitioning, rowType, contract));
    }

    /** The target as audit and people name it: the folder, or kafka://host:port/topic. */
    public static String describe(Dataset dataset) {
        return dataset.target() == null ? dataset.sink().describe() : dataset.target().toString();
    }

    /** Where a run's rows went, by role, as audit records name them. */
    public record Targets(List<String> outputs, String quarantine, String staging) {}

    public Targets targets() {
        List<String> outputs = new ArrayList<>();
        String quarantine = null;
        String staging = null;
        for (Dataset dataset : datasets) {
            String target = describe(dataset);
            if (dataset.role().startsWith(OUTPUT)) {
                outputs.add(target);
            } else if (dataset.role().equals(QUARANTINE)) {
                quarantine = target;
            } else {
                staging = target;
            }
        }
        return new Targets(List.copyOf(outputs), quarantine, staging);
    }

    public List<Dataset> datasets() {
        return List.copyOf(datasets);
    }
}
