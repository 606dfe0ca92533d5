package io.flowbundle.operators;

import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * A keyed process function whose {@link Counters} survive restores (they are in its checkpoints).
 */
public abstract class CountingKeyedProcessFunction<K, I, O> extends KeyedProcessFunction<K, I, O>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Available from {@code open()} on. */
    protected transient Counters counters;

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = Counters.initialize(getRuntimeContext(), context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot();
    }
}
