package io.flowbundle.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Dedupe for bounded runs: keeps the first record of each key, like {@link DedupeOperator}, but
 * remembers keys as 128-bit fingerprints in a {@link FingerprintSet} instead of keyed state.
 *
 * <p>The key is fingerprinted before the shuffle ({@link Fingerprint}): what travels is the
 * fingerprint (two longs, also what the records are partitioned by) and the columns the transform
 * reads, not the key's text, which for ids is most of a row's bytes. This function then sees all
 * copies of its keys and passes on the columns without the fingerprint.
 *
 * <p>Why not keyed state in BATCH mode: Flink then sorts every record by key in managed memory
 * before the operator sees it, and with whole rows in the sort buffers a few million rows spill to
 * disk; measured on this project's benchmark, dedupe cost twice as much as everything else
 * together (docs/PERFORMANCE.md). Here a record costs one probe. A bounded run has no watermark to
 * expire keys by, so every key is kept until the input ends: 16 bytes each (32 at most while the
 * table grows).
 */
public final class BatchDedupeFunction extends CountingProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final int columns;

    private transient FingerprintSet seen;
    private transient ProjectedRowData view;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    /** Over rows of {@link #keyedType} of a type with {@code columns} columns. */
    public BatchDedupeFunction(int columns) {
        this.columns = columns;
    }

    /** The fingerprint's two halves, then the columns of {@code rowType}. */
    public static RowType keyedType(RowType rowType) {
        List<RowType.RowField> fields = new ArrayList<>();
        fields.add(new RowType.RowField("$fingerprint_high", new BigIntType(false)));
        fields.add(new RowType.RowField("$fingerprint_low", new BigIntType(false)));
        fields.addAll(rowType.getFields());
        return new RowType(false, fields);
    }

    @Override
    public void open(OpenContext openContext) {
        seen = new FingerprintSet();
        view = ProjectedRowData.from(IntStream.range(2, 2 + columns).toArray());
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> collector) {
        in.inc();
        if (!seen.add(row.getLong(0), row.getLong(1))) {
            duplicates.inc();
            return;
        }
        out.inc();
        collector.collect(view.replaceRow(row));
    }

    /** Row -> {@link #keyedType}: the key's fingerprint and the kept columns (a reused view). */
    public static final class Fingerprint extends RichMapFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        private final DedupeKey key;
        private final int[] kept;
        private transient long[] print;
        private transient GenericRowData head;
        private transient ProjectedRowData tail;
        private transient JoinedRowData joined;

        /** {@code key} over the input rows; {@code kept}: input columns to pass on. */
        public Fingerprint(DedupeKey key, int[] kept) {
            this.key = key;
            this.kept = kept.clone();
        }

        @Override
        public void open(OpenContext openContext) {
            print = new long[2];
            head = new GenericRowData(2);
            tail = ProjectedRowData.from(kept);
            joined = new JoinedRowData();
        }

        @Override
        public RowData map(RowData row) {
            key.fingerprint(row, print);
            head.setField(0, print[0]);
            head.setField(1, print[1]);
            return joined.replace(head, tail.replaceRow(row));
        }
    }

    /** Partitions by the fingerprint's first half. */
    public static final class ByFingerprint implements KeySelector<RowData, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(RowData row) {
            return row.getLong(0);
        }
    }
}
