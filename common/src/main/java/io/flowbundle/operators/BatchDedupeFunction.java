package io.flowbundle.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.util.Collector;

/**
 * Dedupe for bounded runs: keeps the first record of each key, like {@link DedupeOperator}, but
 * remembers keys as 128-bit fingerprints in a {@link FingerprintSet} instead of keyed state.
 *
 * <p>Records arrive {@link Fingerprinted} and partitioned by the fingerprint, so this function sees
 * all copies of its keys; it passes on the carried columns without the fingerprint.
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

    /** Over {@link Fingerprinted} rows carrying {@code columns} columns, which it passes on. */
    public BatchDedupeFunction(int columns) {
        this.columns = columns;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = new FingerprintSet();
        view = Fingerprinted.carried(columns);
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> collector) {
        in.inc();
        if (!seen.add(Fingerprinted.high(row), Fingerprinted.low(row))) {
            duplicates.inc();
            return;
        }
        out.inc();
        collector.collect(view.replaceRow(row));
    }
}
