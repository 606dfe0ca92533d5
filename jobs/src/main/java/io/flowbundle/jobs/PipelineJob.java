package io.flowbundle.jobs;

import io.flowbundle.connector.EventSource;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One pipeline as a Flink job: the shared graph between a source and sinks given by the caller. The
 * same class runs bounded and unbounded; {@link RunInfo#mode()} decides.
 */
public final class PipelineJob {

    private final PipelineSpec spec;
    private final RunInfo run;
    private final EventSource source;
    private final PipelineSinks sinks;

    public PipelineJob(PipelineSpec spec, RunInfo run, EventSource source, PipelineSinks sinks) {
        this.spec = spec;
        this.run = run;
        this.source = source;
        this.sinks = sinks;
    }

    /** Builds the graph into {@code env} without running it. */
    public void build(StreamExecutionEnvironment env) {
        PipelineGraph.Result result =
                PipelineGraph.build(Environments.tables(env), spec, run, source.envelopes(env));
        sinks.attach(result);
    }

    /** Builds and runs the job to its end (bounded) or until it is cancelled (unbounded). */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(jobName());
    }

    /** Builds and submits the job, returning while it runs. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(jobName());
    }

    public String jobName() {
        return "flowbundle "
                + (run.isBatch() ? "batch" : "stream")
                + ": "
                + spec.name()
                + (run.logicalDate() == null ? "" : " @ " + run.logicalDate());
    }
}
