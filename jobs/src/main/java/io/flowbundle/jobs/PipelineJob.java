package io.flowbundle.jobs;

import io.flowbundle.connector.EventSource;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;

/**
 * One pipeline as a Flink job: the shared graph between a source and sinks given by the caller. The
 * same class runs bounded and unbounded; {@link RunInfo#mode()} decides.
 */
public final class PipelineJob {

    private final PipelineSpec spec;
    private final RunInfo run;
    private final EventSource source;
    private final PipelineSinks sinks;
    private final Map<String, EventSource> otherSources;

    public PipelineJob(PipelineSpec spec, RunInfo run, EventSource source, PipelineSinks sinks) {
        this(spec, run, source, Map.of(), sinks);
    }

    /**
     * @param otherSources the sources of the inputs besides the main one, by view
     */
    public PipelineJob(
            PipelineSpec spec,
            RunInfo run,
            EventSource source,
            Map<String, EventSource> otherSources,
            PipelineSinks sinks) {
        this.spec = spec;
        this.run = run;
        this.source = source;
        this.otherSources = Map.copyOf(otherSources);
        this.sinks = sinks;
    }

    /** Builds the graph into {@code env} without running it. */
    public void build(StreamExecutionEnvironment env) {
        Map<String, DataStream<RowData>> others = new LinkedHashMap<>();
        for (PipelineSpec.Input input : spec.otherInputs()) {
            others.put(input.view(), otherSources.get(input.view()).envelopes(env));
        }
        PipelineGraph.Result result =
                PipelineGraph.build(
                        Environments.tables(env), spec, run, source.envelopes(env), others);
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
