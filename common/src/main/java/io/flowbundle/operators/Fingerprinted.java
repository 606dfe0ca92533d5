package io.flowbundle.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Rows on their way to dedupe: the dedupe key's 128-bit fingerprint (two longs) in front of the
 * columns the transform reads. The key is fingerprinted once, before the shuffle; what travels is
 * the fingerprint, which is also what the rows are partitioned by, not the key's text (for ids most
 * of a row's bytes), and the dedupe operators read it instead of hashing the key again.
 */
public final class Fingerprinted {

    /** Columns in front of the carried ones. */
    public static final int PREFIX = 2;

    private Fingerprinted() {}

    /** The fingerprint's two halves, then the columns of {@code carried}. */
    public static RowType type(RowType carried) {
        List<RowType.RowField> fields = new ArrayList<>();
        fields.add(new RowType.RowField("$fingerprint_high", new BigIntType(false)));
        fields.add(new RowType.RowField("$fingerprint_low", new BigIntType(false)));
        fields.addAll(carried.getFields());
        return new RowType(false, fields);
    }

    /**
     * A reusable view of the carried columns of a fingerprinted row with {@code columns} of them.
     */
    static ProjectedRowData carried(int columns) {
        return ProjectedRowData.from(IntStream.range(PREFIX, PREFIX + columns).toArray());
    }

    static long high(RowData row) {
        return row.getLong(0);
    }

    static long low(RowData row) {
        return row.getLong(1);
    }

    /** Row -> fingerprinted row: the key's fingerprint and the kept columns (a reused view). */
    public static final class Fingerprint extends RichMapFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        private final DedupeKey key;
        private final int[] kept;
        private transient long[] print;
        private transient GenericRowData head;
        private transient ProjectedRowData tail;
        private transient JoinedRowData joined;

        /** {@code key} over the input rows; {@code kept}: input columns to carry. */
        public Fingerprint(DedupeKey key, int[] kept) {
            this.key = key;
            this.kept = kept.clone();
        }

        @Override
        public void open(OpenContext openContext) {
            print = new long[2];
            head = new GenericRowData(PREFIX);
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

    /** Partitions by the fingerprint's first half (bounded dedupe). */
    public static final class ByHigh implements KeySelector<RowData, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(RowData row) {
            return high(row);
        }
    }
}
