package io.flowbundle.operators;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * An operator whose {@link Counters} survive restores (they are in its checkpoints), like {@link
 * CountingProcessFunction} for process functions.
 */
public abstract class CountingOperator<OUT> extends AbstractStreamOperator<OUT> {

    private static final long serialVersionUID = 1L;

    /** Available from {@code open()} on. */
    protected transient Counters counters;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        counters = Counters.initialize(getRuntimeContext(), context);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        counters.snapshot();
    }
}
