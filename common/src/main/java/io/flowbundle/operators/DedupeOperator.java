package io.flowbundle.operators;

import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;

import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Streaming dedupe: keeps the first record of each key and drops (and counts) the rest, forgetting
 * a key once the watermark passes its first copy's event time plus the retention.
 *
 * <p>Records arrive {@link Fingerprinted}: the key's 128-bit fingerprint (see {@link
 * DedupeKey#fingerprint}) in front of the columns the transform reads, which are what this
 * operator passes on. The stream is keyed by one of {@link #BUCKETS} buckets of the fingerprint;
 * a bucket holds the fingerprints it has seen in a map (first half -> second half) and, per expiry
 * time, the list of the map entries that expire then. Expiry times are rounded up to a slice of an
 * eighth of the retention (a key is kept at least the retention and at most one slice longer). There are no timers: the operator remembers in memory which buckets
 * have entries expiring at which time (rebuilt from state on restore) and, when a watermark passes
 * an expiry time, clears those lists and their entries before forwarding the watermark. Per-key
 * timers were half of this operator's time on the heap (priority queue upkeep) and most of its
 * RocksDB writes.
 *
 * <p>Because a duplicate carries the event time of its original, a retention of at least the
 * watermark's lateness bound makes dedupe exact for on-time events: a copy that arrives after the
 * key is forgotten is late and leaves through the late output after this operator. Two keys are
 * taken for one only if all 128 bits of their fingerprints agree (about n^2/2^129 for n keys in
 * the retention window); keys whose first halves collide take the next free slot of the bucket.
 *
 * <p>Counts {@code dedupe.in}, {@code .out} and {@code .duplicates}: in = out + duplicates. The
 * bucket count is part of the state layout: changing it makes older savepoints unusable.
 */
public final class DedupeOperator extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    /** Buckets the keys are spread over: many per key group, so any parallelism gets an even share. */
    public static final int BUCKETS = 4096;

    /** Expiry times are rounded up to {@code retention / SLICES}. */
    static final int SLICES = 8;

    private static final String EXPIRING = "dedupe-expiring";

    private final int columns;
    private final EventTime eventTime;
    private final long retentionMillis;
    private final long sliceMillis;

    private transient ProjectedRowData carried;
    private transient MapStateDescriptor<Long, Long> seenDescriptor;
    /** Per bucket: the fingerprint's first half (or the next free slot after a collision) -> second half. */
    private transient MapState<Long, Long> seen;
    /** Per bucket and expiry time (the namespace): the slots of {@code seen} that expire then. */
    private transient InternalListState<Integer, Long, Long> expiring;
    /** Per expiry time, the buckets with entries expiring then (the index of {@code expiring}). */
    private transient NavigableMap<Long, BitSet> due;
    private transient Counters counters;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /**
     * Over {@link Fingerprinted} rows carrying {@code columns} columns, whose event time {@code
     * eventTime} reads (by its index among the carried columns).
     */
    public DedupeOperator(int columns, EventTime eventTime, long retentionMillis) {
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException("dedupe retention must be positive: " + retentionMillis);
        }
        this.columns = columns;
        this.eventTime = eventTime;
        this.retentionMillis = retentionMillis;
        this.sliceMillis = Math.max(1L, retentionMillis / SLICES);
    }

    /** The key the stream must be keyed by: the bucket of the row's fingerprint. */
    public static KeySelector<RowData, Integer> buckets() {
        return new Buckets();
    }

    static int bucketOf(long low) {
        return (int) Math.floorMod(low, (long) BUCKETS);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        counters = Counters.initialize(getRuntimeContext(), context);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        carried = Fingerprinted.carried(columns);
        seenDescriptor = new MapStateDescriptor<>("dedupe-seen", Types.LONG, Types.LONG);
        seen = getPartitionedState(seenDescriptor);
        expiring =
                (InternalListState<Integer, Long, Long>)
                        getOrCreateKeyedState(
                                LongSerializer.INSTANCE, new ListStateDescriptor<>(EXPIRING, Types.LONG));
        due = new TreeMap<>();
        try (var restored = getKeyedStateBackend().<Long>getKeysAndNamespaces(EXPIRING)) {
            restored.forEach(entry -> markDue(entry.f1, (Integer) entry.f0));
        }
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(StreamRecord<RowData> element) throws Exception {
        in.inc();
        RowData row = element.getValue();
        long high = Fingerprinted.high(row);
        long low = Fingerprinted.low(row);
        long slot = high;
        Long other;
        while ((other = seen.get(slot)) != null) {
            if (other == low) {
                duplicates.inc();
                return;
            }
            slot = nextSlot(slot);
        }
        seen.put(slot, low);
        RowData columns = carried.replaceRow(row);
        long expiry = expiry(eventTime.millis(columns));
        expiring.setCurrentNamespace(expiry);
        expiring.add(slot);
        markDue(expiry, (Integer) getCurrentKey());
        out.inc();
        output.collect(element.replace(columns));
    }

    /** Forgets the keys whose expiry time the watermark has reached, then forwards it. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        Iterator<Map.Entry<Long, BitSet>> expired =
                due.headMap(mark.getTimestamp(), true).entrySet().iterator();
        while (expired.hasNext()) {
            Map.Entry<Long, BitSet> entry = expired.next();
            expiring.setCurrentNamespace(entry.getKey());
            BitSet buckets = entry.getValue();
            for (int bucket = buckets.nextSetBit(0); bucket >= 0; bucket = buckets.nextSetBit(bucket + 1)) {
                setCurrentKey(bucket);
                Iterable<Long> slots = expiring.get();
                if (slots != null) {
                    for (Long slot : slots) {
                        seen.remove(slot);
                    }
                }
                expiring.clear();
            }
            expired.remove();
        }
        super.processWatermark(mark);
    }

    private void markDue(long expiry, int bucket) {
        BitSet buckets = due.get(expiry);
        if (buckets == null) {
            buckets = new BitSet(BUCKETS);
            due.put(expiry, buckets);
        }
        buckets.set(bucket);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        counters.snapshot();
    }

    /** Keys remembered by this subtask, over all its buckets (walks the state: for tests). */
    long rememberedKeys() throws Exception {
        long[] count = {0};
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        seenDescriptor,
                        (bucket, state) -> state.keys().forEach(slot -> count[0]++));
        return count[0];
    }

    /** Expiry lists (bucket, expiry time) in this subtask's state (for tests). */
    long expiryLists() {
        try (var lists = getKeyedStateBackend().<Long>getKeysAndNamespaces(EXPIRING)) {
            return lists.count();
        }
    }

    /** First copy's event time plus the retention, rounded up to a slice; saturates at the end of time. */
    long expiry(long eventMillis) {
        if (eventMillis > Long.MAX_VALUE - retentionMillis - sliceMillis) {
            return Long.MAX_VALUE;
        }
        long due = eventMillis + retentionMillis;
        return Math.floorDiv(due + sliceMillis - 1, sliceMillis) * sliceMillis;
    }

    private static long nextSlot(long slot) {
        return slot * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }

    private static final class Buckets implements KeySelector<RowData, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(RowData row) {
            return bucketOf(Fingerprinted.low(row));
        }
    }
}
