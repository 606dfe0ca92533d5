package io.flowbundle.jobs;

import io.flowbundle.pipeline.PipelineGraph;

/**
 * Where a job's outputs go: results, rejected records and the staging layer. Jobs take their sinks
 * as a parameter, so tests plug in their own.
 */
@FunctionalInterface
public interface PipelineSinks {

    void attach(PipelineGraph.Result result);
}
