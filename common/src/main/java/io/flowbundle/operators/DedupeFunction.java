package io.flowbundle.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Keeps the first record of each key and drops (and counts) the rest.
 *
 * <p>State is one timestamp per key: the event time of the first copy. An event-time timer clears
 * it once the watermark passes {@code firstEventTime + retention}, so state holds only the keys
 * seen within the retention horizon. Because a duplicate carries the event time of its original,
 * a retention of at least the watermark's lateness bound makes dedupe exact for on-time events:
 * any copy arriving after the key is forgotten is late anyway and leaves through the late output.
 *
 * <p>In BATCH execution, records arrive grouped by key and the watermark jumps to the end after
 * each key, so state never outlives its key group.
 *
 * <p>Counts {@code dedupe.in}, {@code .out} and {@code .duplicates}: in = out + duplicates.
 */
public final class DedupeFunction extends KeyedProcessFunction<String, RowData, RowData>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final EventTime eventTime;
    private final long retentionMillis;

    private transient ValueState<Long> firstSeen;
    private transient Counters counters;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    public DedupeFunction(EventTime eventTime, long retentionMillis) {
        this.eventTime = eventTime;
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = Counters.initialize(getRuntimeContext(), context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Types.LONG));
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> collector)
            throws Exception {
        in.inc();
        if (firstSeen.value() != null) {
            duplicates.inc();
            return;
        }
        long time = eventTime.millis(row);
        firstSeen.update(time);
        ctx.timerService().registerEventTimeTimer(saturatedAdd(time, retentionMillis));
        out.inc();
        collector.collect(row);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RowData> collector) {
        firstSeen.clear();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
