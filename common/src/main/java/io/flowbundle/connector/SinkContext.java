package io.flowbundle.connector;

import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;

import org.apache.flink.table.types.logical.RowType;

/**
 * What a sink needs to attach itself to a job.
 *
 * @param role where the sink is declared
 * @param key the spec key of the declaration, e.g. {@code sink[1]} (for error messages)
 * @param dataset the dataset's role in audit and lineage: {@code output}, {@code output-1},
 *     {@code quarantine}, {@code staging}
 * @param rowType the rows the sink receives
 */
public record SinkContext(
        PipelineSpec spec, RunInfo run, Role role, String key, String dataset, RowType rowType) {

    /** A name unique to this sink in the pipeline, stable across runs (operator uids, ids). */
    public String uid() {
        return "sink-" + dataset;
    }
}
