package io.flowbundle.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Keeps the first record of each key and drops (and counts) the rest.
 *
 * <p>State is the exact key of the first copy (keyed by a hash of it, see {@link DedupeKey}). An
 * event-time timer clears it once the watermark passes {@code firstEventTime + retention}, so
 * state holds only the keys seen within the retention horizon. Because a duplicate carries the event time of its original,
 * a retention of at least the watermark's lateness bound makes dedupe exact for on-time events:
 * any copy arriving after the key is forgotten is late anyway and leaves through the late output.
 *
 * <p>In BATCH execution, records arrive grouped by key and the watermark jumps to the end after
 * each key, so state never outlives its key group.
 *
 * <p>Counts {@code dedupe.in}, {@code .out} and {@code .duplicates}: in = out + duplicates.
 */
public final class DedupeFunction extends CountingKeyedProcessFunction<Long, RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final DedupeKey key;
    private final EventTime eventTime;
    private final long retentionMillis;

    /** The exact key of the first record with this key hash. */
    private transient ValueState<String> first;
    /** Exact keys of later records whose key hash collided with the first one (rare). */
    private transient MapState<String, Boolean> collided;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /** Keyed by {@code key}'s hash; {@code key} also gives the exact text kept in state. */
    public DedupeFunction(DedupeKey key, EventTime eventTime, long retentionMillis) {
        this.key = key;
        this.eventTime = eventTime;
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        first = getRuntimeContext().getState(new ValueStateDescriptor<>("first-key", Types.STRING));
        collided =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("collided-keys", Types.STRING, Types.BOOLEAN));
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> collector)
            throws Exception {
        in.inc();
        String text = key.text(row);
        String seen = first.value();
        if (seen == null) {
            first.update(text);
        } else if (seen.equals(text) || collided.contains(text)) {
            duplicates.inc();
            return;
        } else {
            collided.put(text, Boolean.TRUE);
        }
        // timers of one key hash coincide only by chance; the earliest clears the colliding keys
        // too, which at worst lets a late-arriving copy of a colliding key through
        ctx.timerService().registerEventTimeTimer(saturatedAdd(eventTime.millis(row), retentionMillis));
        out.inc();
        collector.collect(row);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RowData> collector) {
        first.clear();
        collided.clear();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
