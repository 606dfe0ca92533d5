package io.flowbundle.operators;

import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Streaming dedupe: keeps the first record of each key and drops (and counts) the rest, forgetting
 * a key once the watermark passes its first copy's event time plus the retention.
 *
 * <p>Records arrive {@link Fingerprinted}: the key's 128-bit fingerprint (see {@link
 * DedupeKey#fingerprint}) in front of the columns the transform reads, which are what this
 * operator passes on. The stream is keyed by one of {@link #BUCKETS} buckets of the fingerprint's
 * second half. Under its bucket, a key is one state entry: the namespace is its slot (the first
 * half, with the bucket in its low bits; the next free slot after a collision), the value the
 * second half. One entry per key, not a map per bucket, because the heap backend copies a
 * collection state whole on its first write after each checkpoint. With RocksDB, a {@link
 * SlotFilter} in memory says which slots may be in use, so most new keys are stored without a
 * read first.
 *
 * <p>Expiry times are rounded up to a slice of an eighth of the retention (a key is kept at least
 * the retention and at most one slice longer). The slots expiring in one slice are listed per key
 * group (under the group's first bucket, its representative), so a list gathers many keys. A
 * record's append is held in memory and written with the others of its list at the next
 * checkpoint (or once a million are held), so it costs no state write of its own. There are no
 * timers: the operator remembers in memory which groups have lists due at which time (rebuilt
 * from state on restore) and, when a watermark passes an expiry time, clears those lists, the
 * appends held for them and their keys before forwarding the watermark. Per-key timers were half
 * of this operator's time on the heap (priority queue upkeep) and most of its RocksDB writes.
 *
 * <p>Because a duplicate carries the event time of its original, a retention of at least the
 * watermark's lateness bound makes dedupe exact for on-time events: a copy that arrives after the
 * key is forgotten is late and leaves through the late output after this operator. Two keys are
 * taken for one only if the 116 bits a slot holds agree (the 52 high bits of the first half in the
 * slot and all of the second half in the value; about n^2/2^117 for n keys in the retention
 * window).
 *
 * <p>Counts {@code dedupe.in}, {@code .out} and {@code .duplicates}: in = out + duplicates. The
 * bucket count and the slot layout are part of the state layout: changing them makes older
 * savepoints unusable (the operator's uid says which layout it has).
 */
public final class DedupeOperator extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    /** Buckets the keys are spread over: many per key group, so any parallelism gets an even share. */
    public static final int BUCKETS = 4096;

    private static final long BUCKET_BITS = BUCKETS - 1;

    /** The bucket keys, boxed once: state entries share them instead of one Integer each. */
    private static final Integer[] BUCKET_KEYS = new Integer[BUCKETS];

    static {
        for (int i = 0; i < BUCKETS; i++) {
            BUCKET_KEYS[i] = i;
        }
    }

    /** Expiry times are rounded up to {@code retention / SLICES}. */
    static final int SLICES = 8;

    /**
     * 4 MB of filter per subtask: selective (under 1% false maybes) up to about 200,000 keys
     * held by a subtask, still correct, only slower, beyond.
     */
    static final int FILTER_LOG2_COUNTERS = 22;

    /** Expiry-list appends held in memory (8 bytes each) before they are written, checkpoint or not. */
    static final int MAX_PENDING_SLOTS = 1 << 20;

    private static final String SEEN = "dedupe-seen";
    private static final String EXPIRING = "dedupe-expiring";

    private final int columns;
    private final EventTime eventTime;
    private final long retentionMillis;
    private final long sliceMillis;
    private final int maxPendingSlots;

    private transient ProjectedRowData carried;
    /** Per bucket and slot (the namespace): the second half of the fingerprint kept there. */
    private transient InternalValueState<Integer, Long, Long> seen;
    /** Per key group's representative bucket and expiry time (the namespace): the slots due then. */
    private transient InternalListState<Integer, Long, Long> expiring;
    /** Per bucket, the first bucket of its key group, under which the group's expiry lists are kept. */
    private transient Integer[] representative;
    /**
     * The slots in use in this subtask's state, as far as a Bloom filter can tell (rebuilt on
     * restore); null on the heap backend, where it does not pay (docs/PERFORMANCE.md).
     */
    private transient SlotFilter inUse;
    /**
     * Per expiry time, the groups with a list due then in state (the index of {@code expiring}) and
     * the appends to those lists not written yet: they are written at each checkpoint, so a record
     * costs an append in memory rather than a state write (a RocksDB merge).
     */
    private transient NavigableMap<Long, Slice> due;
    /** The last slice a record went to: most records share one. */
    private transient long lastExpiry;
    private transient Slice lastSlice;
    /** Slots held in memory, not yet in an expiry list in state. */
    private transient int pendingSlots;
    private transient Counters counters;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /**
     * Over {@link Fingerprinted} rows carrying {@code columns} columns, whose event time {@code
     * eventTime} reads (by its index among the carried columns).
     */
    public DedupeOperator(int columns, EventTime eventTime, long retentionMillis) {
        this(columns, eventTime, retentionMillis, MAX_PENDING_SLOTS);
    }

    /** As above, writing held expiry-list appends once {@code maxPendingSlots} are held (tests). */
    DedupeOperator(int columns, EventTime eventTime, long retentionMillis, int maxPendingSlots) {
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException("dedupe retention must be positive: " + retentionMillis);
        }
        this.columns = columns;
        this.eventTime = eventTime;
        this.retentionMillis = retentionMillis;
        this.sliceMillis = Math.max(1L, retentionMillis / SLICES);
        this.maxPendingSlots = maxPendingSlots;
    }

    /** The key the stream must be keyed by: the bucket of the row's fingerprint. */
    public static KeySelector<RowData, Integer> buckets() {
        return new Buckets();
    }

    static int bucketOf(long low) {
        return (int) (low & BUCKET_BITS);
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
        seen =
                (InternalValueState<Integer, Long, Long>)
                        getOrCreateKeyedState(
                                LongSerializer.INSTANCE, new ValueStateDescriptor<>(SEEN, Types.LONG));
        expiring =
                (InternalListState<Integer, Long, Long>)
                        getOrCreateKeyedState(
                                LongSerializer.INSTANCE, new ListStateDescriptor<>(EXPIRING, Types.LONG));
        representative = representatives(getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        due = new TreeMap<>();
        lastSlice = null;
        pendingSlots = 0;
        try (var restored = getKeyedStateBackend().<Long>getKeysAndNamespaces(EXPIRING)) {
            restored.forEach(entry -> slice(entry.f1).written.set((Integer) entry.f0));
        }
        // on the heap, looking up a missing key costs what probing the filter costs (and the
        // insert after it walks the same chain): the filter pays only where a lookup is a read
        inUse = getKeyedStateBackend() instanceof HeapKeyedStateBackend
                ? null
                : new SlotFilter(FILTER_LOG2_COUNTERS);
        if (inUse != null) {
            try (var restored = getKeyedStateBackend().<Long>getKeysAndNamespaces(SEEN)) {
                restored.forEach(entry -> inUse.add(entry.f1));
            }
        }
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    /** For each bucket, the first bucket in the same key group (fixed by the max parallelism). */
    static Integer[] representatives(int keyGroups) {
        Integer[] first = new Integer[keyGroups];
        Integer[] representative = new Integer[BUCKETS];
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(BUCKET_KEYS[bucket], keyGroups);
            if (first[group] == null) {
                first[group] = BUCKET_KEYS[bucket];
            }
            representative[bucket] = first[group];
        }
        return representative;
    }

    @Override
    public void processElement(StreamRecord<RowData> element) throws Exception {
        in.inc();
        RowData row = element.getValue();
        long low = Fingerprinted.low(row);
        int bucket = bucketOf(low);
        long slot = (Fingerprinted.high(row) & ~BUCKET_BITS) | bucket;
        // a slot the filter has never seen is free: a new key costs no state lookup
        while (inUse == null || inUse.mightContain(slot)) {
            seen.setCurrentNamespace(slot);
            Long other = seen.value();
            if (other == null) {
                break;
            }
            if (other == low) {
                duplicates.inc();
                return;
            }
            slot = nextSlot(slot);
        }
        seen.setCurrentNamespace(slot);
        seen.update(low);
        if (inUse != null) {
            inUse.add(slot);
        }
        RowData columns = carried.replaceRow(row);
        long expiry = expiry(eventTime.millis(columns));
        slice(expiry).pending(representative[bucket]).add(slot);
        if (++pendingSlots >= maxPendingSlots) {
            writePending();
        }
        out.inc();
        output.collect(element.replace(columns));
    }

    /** Forgets the keys whose expiry time the watermark has reached, then forwards it. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        Iterator<Map.Entry<Long, Slice>> expired =
                due.headMap(mark.getTimestamp(), true).entrySet().iterator();
        while (expired.hasNext()) {
            Map.Entry<Long, Slice> entry = expired.next();
            Slice slice = entry.getValue();
            BitSet written = slice.written;
            for (int group = written.nextSetBit(0); group >= 0; group = written.nextSetBit(group + 1)) {
                setCurrentKey(BUCKET_KEYS[group]);
                expiring.setCurrentNamespace(entry.getKey());
                Iterable<Long> slots = expiring.get();
                expiring.clear();
                if (slots != null) {
                    for (Long slot : slots) {
                        forget(slot);
                    }
                }
            }
            for (Slots slots : slice.pending.values()) {
                for (int i = 0; i < slots.size; i++) {
                    forget(slots.values[i]);
                }
                pendingSlots -= slots.size;
            }
            if (slice == lastSlice) {
                lastSlice = null;
            }
            expired.remove();
        }
        super.processWatermark(mark);
    }

    private void forget(long slot) {
        setCurrentKey(BUCKET_KEYS[bucketOf(slot)]);
        seen.setCurrentNamespace(slot);
        seen.clear();
        if (inUse != null) {
            inUse.remove(slot);
        }
    }

    /** Writes the expiry-list appends held in memory to the keyed state. */
    private void writePending() throws Exception {
        for (Map.Entry<Long, Slice> entry : due.entrySet()) {
            Slice slice = entry.getValue();
            for (Map.Entry<Integer, Slots> list : slice.pending.entrySet()) {
                setCurrentKey(list.getKey());
                expiring.setCurrentNamespace(entry.getKey());
                expiring.addAll(list.getValue().boxed());
                slice.written.set(list.getKey());
            }
            slice.pending.clear();
        }
        pendingSlots = 0;
    }

    /** The slice of keys expiring at {@code expiry}, created if new. */
    private Slice slice(long expiry) {
        if (lastSlice == null || expiry != lastExpiry) {
            lastSlice = due.computeIfAbsent(expiry, unused -> new Slice());
            lastExpiry = expiry;
        }
        return lastSlice;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // before the keyed state is snapshotted (after this method): the lists must be complete
        writePending();
        super.snapshotState(context);
        counters.snapshot();
    }

    /** The keys expiring at one time: groups with a list of them in state, appends not yet written. */
    private static final class Slice {
        final BitSet written = new BitSet();
        final Map<Integer, Slots> pending = new HashMap<>();

        Slots pending(Integer group) {
            Slots slots = pending.get(group);
            if (slots == null) {
                slots = new Slots();
                pending.put(group, slots);
            }
            return slots;
        }
    }

    /** A growable list of slots. */
    private static final class Slots {
        long[] values = new long[8];
        int size;

        void add(long slot) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = slot;
        }

        List<Long> boxed() {
            return new AbstractList<>() {
                @Override
                public Long get(int index) {
                    return values[index];
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }

    /** Keys remembered by this subtask, over all its buckets (walks the state: for tests). */
    long rememberedKeys() {
        try (var keys = getKeyedStateBackend().<Long>getKeysAndNamespaces(SEEN)) {
            return keys.count();
        }
    }

    /** Expiry lists (key group, expiry time) in this subtask's state (for tests). */
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

    /** The next slot to probe after a collision: the same bucket, other high bits. */
    static long nextSlot(long slot) {
        return ((slot * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L) & ~BUCKET_BITS) | (slot & BUCKET_BITS);
    }

    private static final class Buckets implements KeySelector<RowData, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(RowData row) {
            return BUCKET_KEYS[bucketOf(Fingerprinted.low(row))];
        }
    }
}
