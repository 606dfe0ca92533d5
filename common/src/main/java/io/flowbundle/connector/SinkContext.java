package io.flowbundle.connector;

import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import org.apache.flink.table.types.logical.RowType;

/**
 * What a sink needs to attach itself to a job.
 *
 * @param declared the declaration: its role, its spec key (e.g. {@code sink[1]}, for error
 *     messages) and its dataset's name in audit and lineage
 * @param rowType the rows the sink receives
 */
public record SinkContext(
        PipelineSpec spec, RunInfo run, PipelineSpec.DeclaredSink declared, RowType rowType) {

    /** Where the sink is declared. */
    public Role role() {
        return declared.role();
    }

    /** The spec key of the declaration, e.g. {@code sink[1]}. */
    public String key() {
        return declared.key();
    }

    /**
     * The dataset's role in audit and lineage: {@code output}, {@code output-1}, {@code
     * quarantine}, {@code staging}.
     */
    public String dataset() {
        return declared.dataset();
    }

    /** A name unique to this sink in the pipeline, stable across runs (operator uids, ids). */
    public String uid() {
        return "sink-" + dataset();
    }
}
