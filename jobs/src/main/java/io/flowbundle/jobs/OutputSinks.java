package io.flowbundle.jobs;

import io.flowbundle.connector.SinkContext;
import io.flowbundle.connector.WrittenDataset;
import io.flowbundle.contract.Contract;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.operators.Rejected;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * The sinks a pipeline spec names: results to each {@code sink}, rejected records to the {@code
 * quarantine}, valid input to the {@code staging} layer. Each sink attaches itself ({@link
 * io.flowbundle.spec.SinkSpec#attach}); this class decides which stream goes where and keeps what
 * was attached for the commit, the audit and lineage.
 */
public final class OutputSinks implements PipelineSinks {

    /**
     * What the run writes, and where (for commit, audit and lineage).
     *
     * @param written where the sink writes; its staged folder, for a sink the run commits
     */
    public record Dataset(String role, WrittenDataset written, RowType rowType, Contract contract) {

        public Datasets.Id id() {
            return written.id();
        }

        /** The folder of files, for a file sink (else null). */
        public Path target() {
            return written.folder();
        }

        /** Where a bounded run wrote before its commit (null: nothing to commit). */
        public Path stagedDir() {
            return written.stagedDir();
        }

        public Partitioning partitioning() {
            return written.partitioning();
        }

        /** Partitions this run replaces even if it writes nothing into them. */
        public Set<String> ownedPartitions(RunInfo run) {
            Partitioning partitioning = partitioning();
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
        for (PipelineSpec.DeclaredSink declared : spec.declaredSinks()) {
            switch (declared.role()) {
                case SINK ->
                        write(
                                result.results(),
                                result.resultType(),
                                spec.outputContract(),
                                declared);
                case QUARANTINE ->
                        write(
                                declared.input() == null
                                        ? result.rejected()
                                        : result.inputRejected().get(declared.input()),
                                Rejected.TYPE,
                                null,
                                declared);
                case STAGING -> {
                    if (declared.input() == null) {
                        write(result.valid(), result.payloadType(), spec.contract(), declared);
                    } else {
                        write(
                                result.inputValid().get(declared.input()),
                                result.inputTypes().get(declared.input()),
                                contractOf(declared.input()),
                                declared);
                    }
                }
                default -> throw new IllegalStateException("not a sink role: " + declared.role());
            }
        }
    }

    private Contract contractOf(String view) {
        return spec.otherInputs().stream()
                .filter(input -> input.view().equals(view))
                .findFirst()
                .orElseThrow()
                .contract();
    }

    private void write(
            DataStream<RowData> rows,
            RowType rowType,
            Contract contract,
            PipelineSpec.DeclaredSink declared) {
        SinkContext context = new SinkContext(spec, run, declared, rowType);
        WrittenDataset written = declared.sink().attach(rows, context);
        datasets.add(new Dataset(declared.dataset(), written, rowType, contract));
    }

    /** The target as audit and people name it: the folder, or kafka://host:port/topic. */
    public static String describe(Dataset dataset) {
        return dataset.written().target();
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
            } else if (dataset.role().equals(STAGING)) {
                staging = target;
            }
        }
        return new Targets(List.copyOf(outputs), quarantine, staging);
    }

    public List<Dataset> datasets() {
        return List.copyOf(datasets);
    }
}
