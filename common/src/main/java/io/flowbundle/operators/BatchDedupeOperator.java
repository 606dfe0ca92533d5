package io.flowbundle.operators;

import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;

/**
 * Dedupe for bounded runs: keeps the first record of each key, like {@link DedupeOperator}, but
 * remembers keys as 128-bit fingerprints in a {@link FingerprintSet} instead of keyed state.
 *
 * <p>Records arrive {@link Fingerprinted} and partitioned by the fingerprint, so this operator sees
 * all copies of its keys; it passes on the carried columns without the fingerprint, in arrival
 * order and with their timestamps. It looks keys up {@value #BATCH} at a time ({@link
 * FingerprintSet#addAll}): with tens of millions of keys the set is far larger than the CPU caches,
 * and one lookup at a time spent most of its time waiting for memory. Records held for a batch are
 * passed on at the end of the input, and before any watermark or checkpoint barrier.
 *
 * <p>Why not keyed state in BATCH mode: Flink then sorts every record by key in managed memory
 * before the operator sees it, and with whole rows in the sort buffers a few million rows spill to
 * disk; measured on this project's benchmark, dedupe cost twice as much as everything else together
 * (docs/PERFORMANCE.md). Here a record costs one probe. A bounded run has no watermark to expire
 * keys by, so every key is kept until the input ends: 16 bytes each (32 at most while the table
 * grows).
 */
public final class BatchDedupeOperator extends CountingOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** Records looked up together. */
    static final int BATCH = 32;

    private final RowType type;
    private String input;

    private transient FingerprintSet seen;
    private transient ProjectedRowData carried;

    /** Copies records before holding them, if the runtime reuses record objects. */
    private transient RowDataSerializer copier;

    private transient RowData[] held;
    private transient long[] highs;
    private transient long[] lows;

    /** The held records' timestamps, {@link Long#MIN_VALUE} for none. */
    private transient long[] timestamps;

    private transient boolean[] added;
    private transient int count;
    private transient StreamRecord<RowData> record;

    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /** Over {@link Fingerprinted} rows of {@code type} ({@link Fingerprinted#type}). */
    public BatchDedupeOperator(RowType type) {
        this.type = type;
    }

    /**
     * Counts as the operator of input {@code input} ({@link Counters#scoped}) rather than of the
     * main input.
     */
    public BatchDedupeOperator countedAs(String input) {
        this.input = input;
        return this;
    }

    @Override
    public void open() throws Exception {
        super.open();
        seen = new FingerprintSet();
        carried = Fingerprinted.carried(type.getFieldCount() - Fingerprinted.PREFIX);
        copier = getExecutionConfig().isObjectReuseEnabled() ? new RowDataSerializer(type) : null;
        held = new RowData[BATCH];
        highs = new long[BATCH];
        lows = new long[BATCH];
        timestamps = new long[BATCH];
        added = new boolean[BATCH];
        record = new StreamRecord<>(null);
        in = counters.counter(Counters.scoped("dedupe", input), "in");
        out = counters.counter(Counters.scoped("dedupe", input), "out");
        duplicates = counters.counter(Counters.scoped("dedupe", input), "duplicates");
    }

    @Override
    public void processElement(StreamRecord<RowData> element) {
        RowData row = element.getValue();
        highs[count] = Fingerprinted.high(row);
        lows[count] = Fingerprinted.low(row);
        held[count] = copier == null ? row : copier.copy(row);
        timestamps[count] = element.hasTimestamp() ? element.getTimestamp() : Long.MIN_VALUE;
        if (++count == BATCH) {
            flush();
        }
    }

    /** Looks the held records up and passes on those seen for the first time, in order. */
    private void flush() {
        seen.addAll(highs, lows, count, added);
        in.add(count);
        for (int i = 0; i < count; i++) {
            if (added[i]) {
                out.inc();
                record.replace(carried.replaceRow(held[i]));
                if (timestamps[i] == Long.MIN_VALUE) {
                    record.eraseTimestamp();
                } else {
                    record.setTimestamp(timestamps[i]);
                }
                output.collect(record);
            } else {
                duplicates.inc();
            }
            held[i] = null;
        }
        count = 0;
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }
}
