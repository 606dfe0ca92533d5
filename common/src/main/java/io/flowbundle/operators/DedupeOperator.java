package io.flowbundle.operators;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming dedupe: keeps the first record of each key and drops (and counts) the rest, forgetting
 * a key once the watermark passes its first copy's event time plus the retention.
 *
 * <p>Records arrive {@link Fingerprinted}: the key's 128-bit fingerprint (see {@link
 * DedupeKey#fingerprint}) in front of the columns the transform reads, which are what this operator
 * passes on. The stream is keyed by one of {@link #BUCKETS} buckets of the fingerprint's second
 * half, so any parallelism up to the max parallelism gets an even share and state rescales by key
 * group. A key is its slot (the first half with the bucket in its low bits) and the second half.
 * Where the keys live depends on the state backend ({@link DedupeState}): on the heap in one
 * compact table per key group ({@link DedupeTables}), on RocksDB as one state entry per key with
 * expiry lists per key group ({@link DedupeSlots}); either restores the other's savepoints.
 *
 * <p>Expiry times are rounded up to a slice of an eighth of the retention (a key is kept at least
 * the retention and at most one slice longer), so keys expiring together are forgotten together.
 * There are no timers: when a watermark reaches an expiry time, the keys due are forgotten before
 * the watermark is forwarded. Per-key timers were half of this operator's time on the heap
 * (priority queue upkeep) and most of its RocksDB writes.
 *
 * <p>Because a duplicate carries the event time of its original, a retention of at least the
 * watermark's lateness bound makes dedupe exact for on-time events: a copy that arrives after the
 * key is forgotten is late and leaves through the late output after this operator. Two keys are
 * taken for one only if the 116 bits a key holds agree (the 52 high bits of the first half in the
 * slot and all of the second half; about n^2/2^117 for n keys in the retention window).
 *
 * <p>Counts {@code dedupe.in}, {@code .out} and {@code .duplicates}: in = out + duplicates. The
 * fingerprint, the bucket count and the slot layout are part of the state layout, whose version the
 * state names carry ({@link DedupeLayout}): a savepoint of an older version is refused on restore,
 * in one line that says how to drop its keys, never silently started from empty.
 */
public final class DedupeOperator extends CountingOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(DedupeOperator.class);

    /**
     * Buckets the keys are spread over: many per key group, so any parallelism gets an even share.
     */
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
     * RocksDB: new keys held in memory (24 bytes each) before they are written, checkpoint or not.
     */
    static final int MAX_HELD_KEYS = 1 << 20;

    private final int columns;
    private final EventTime eventTime;
    private final long retentionMillis;
    private final long sliceMillis;
    private final int maxHeldKeys;
    private String input;

    private transient ProjectedRowData carried;
    private transient DedupeState keys;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /**
     * Over {@link Fingerprinted} rows carrying {@code columns} columns, whose event time {@code
     * eventTime} reads (by its index among the carried columns).
     */
    public DedupeOperator(int columns, EventTime eventTime, long retentionMillis) {
        this(columns, eventTime, retentionMillis, MAX_HELD_KEYS);
    }

    /**
     * As above; on RocksDB, writing the new keys held in memory once {@code maxHeldKeys} are held
     * (tests).
     */
    DedupeOperator(int columns, EventTime eventTime, long retentionMillis, int maxHeldKeys) {
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException(
                    "dedupe retention must be positive: " + retentionMillis);
        }
        this.columns = columns;
        this.eventTime = eventTime;
        this.retentionMillis = retentionMillis;
        this.sliceMillis = Math.max(1L, retentionMillis / SLICES);
        this.maxHeldKeys = maxHeldKeys;
    }

    /** The key the stream must be keyed by: the bucket of the row's fingerprint. */
    public static KeySelector<RowData, Integer> buckets() {
        return new Buckets();
    }

    static int bucketOf(long lowOrSlot) {
        return (int) (lowOrSlot & BUCKET_BITS);
    }

    static Integer bucketKey(int bucket) {
        return BUCKET_KEYS[bucket];
    }

    /**
     * Counts as the operator of input {@code input} ({@link Counters#scoped}) rather than of the
     * main input.
     */
    public DedupeOperator countedAs(String input) {
        this.input = input;
        return this;
    }

    @Override
    public void open() throws Exception {
        super.open();
        carried = Fingerprinted.carried(columns);
        KeyedStateBackend<Integer> backend = getKeyedStateBackend();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        restoreOlderLayouts(backend);
        keys =
                backend instanceof HeapKeyedStateBackend<Integer> heap
                        ? new DedupeTables(heap, maxParallelism)
                        : new DedupeSlots(backend, maxParallelism, maxHeldKeys);
        in = counters.counter(Counters.scoped("dedupe", input), "in");
        out = counters.counter(Counters.scoped("dedupe", input), "out");
        duplicates = counters.counter(Counters.scoped("dedupe", input), "duplicates");
    }

    /**
     * Refuses keys of an older layout, or drops them if the job says so: their fingerprints mean
     * nothing to this one (why they cannot be carried over: {@link DedupeLayout}). Restarting would
     * fail the same way, hence no restarts.
     */
    private void restoreOlderLayouts(KeyedStateBackend<Integer> backend) throws Exception {
        if (!DedupeLayout.hasV1Keys(backend)) {
            return;
        }
        String drop =
                getExecutionConfig().getGlobalJobParameters().toMap().get(DedupeLayout.DROP_V1);
        if (!"true".equalsIgnoreCase(drop)) {
            throw new SuppressRestartsException(
                    new IllegalStateException(DedupeLayout.v1Refused(retentionMillis)));
        }
        long dropped = DedupeLayout.dropV1Keys(backend);
        LOG.warn(
                "dedupe dropped {} keys of state layout v1 ({}=true): copies of them pass once more",
                dropped,
                DedupeLayout.DROP_V1);
    }

    /** For each bucket, its key group (fixed by the max parallelism). */
    static int[] keyGroups(int maxParallelism) {
        int[] groups = new int[BUCKETS];
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            groups[bucket] =
                    KeyGroupRangeAssignment.assignToKeyGroup(BUCKET_KEYS[bucket], maxParallelism);
        }
        return groups;
    }

    /** For each bucket, the first bucket in the same key group (fixed by the max parallelism). */
    static Integer[] representatives(int maxParallelism) {
        int[] groups = keyGroups(maxParallelism);
        Integer[] first = new Integer[maxParallelism];
        Integer[] representative = new Integer[BUCKETS];
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            if (first[groups[bucket]] == null) {
                first[groups[bucket]] = BUCKET_KEYS[bucket];
            }
            representative[bucket] = first[groups[bucket]];
        }
        return representative;
    }

    @Override
    public void processElement(StreamRecord<RowData> element) throws Exception {
        in.inc();
        RowData row = element.getValue();
        long low = Fingerprinted.low(row);
        long slot = (Fingerprinted.high(row) & ~BUCKET_BITS) | bucketOf(low);
        RowData columns = carried.replaceRow(row);
        if (!keys.remember(slot, low, expiry(eventTime.millis(columns)))) {
            duplicates.inc();
            return;
        }
        out.inc();
        output.collect(element.replace(columns));
    }

    /** Forgets the keys whose expiry time the watermark has reached, then forwards it. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        keys.expire(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // before the keyed state is snapshotted (after this method): it must hold every key
        keys.beforeSnapshot();
        super.snapshotState(context);
    }

    /** Keys remembered by this subtask (for tests). */
    long rememberedKeys() throws Exception {
        return keys.keys();
    }

    /** Where this subtask keeps its keys (for tests). */
    DedupeState state() {
        return keys;
    }

    /**
     * First copy's event time plus the retention, rounded up to a slice; saturates at the end of
     * time (and above the beginning, which marks a free place in {@link ExpiringKeys}).
     */
    long expiry(long eventMillis) {
        if (eventMillis > Long.MAX_VALUE - retentionMillis - sliceMillis) {
            return Long.MAX_VALUE;
        }
        long due = eventMillis + retentionMillis;
        return Math.max(
                Long.MIN_VALUE + 1,
                Math.floorDiv(due + sliceMillis - 1, sliceMillis) * sliceMillis);
    }

    /** The next slot to probe after a collision: the same bucket, other high bits. */
    static long nextSlot(long slot) {
        return ((slot * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L) & ~BUCKET_BITS)
                | (slot & BUCKET_BITS);
    }

    private static final class Buckets implements KeySelector<RowData, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(RowData row) {
            return BUCKET_KEYS[bucketOf(Fingerprinted.low(row))];
        }
    }
}
