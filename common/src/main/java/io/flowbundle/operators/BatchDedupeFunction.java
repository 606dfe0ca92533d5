package io.flowbundle.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Dedupe for bounded runs: keeps the first record of each key, like {@link DedupeFunction}, but
 * remembers keys as 128-bit fingerprints in a {@link FingerprintSet} instead of keyed state.
 * Records are hash-partitioned by key upstream, so each subtask sees all copies of its keys.
 *
 * <p>Why not the keyed {@link DedupeFunction} in BATCH mode too: Flink then sorts every record by
 * key in managed memory before the operator sees it, and with whole rows in the sort buffers a
 * few million rows spill to disk; measured on this project's benchmark, dedupe cost twice as much
 * as everything else together (docs/PERFORMANCE.md). Here a record costs two hashes over its key's
 * bytes and one probe.
 * A bounded run has no watermark to expire keys by, so every key is kept until the input ends:
 * 16 bytes each (32 at most while the table grows).
 */
public final class BatchDedupeFunction extends CountingProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final DedupeKey key;

    private transient FingerprintSet seen;
    private transient long[] fingerprint;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count duplicates;

    public BatchDedupeFunction(DedupeKey key) {
        this.key = key;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = new FingerprintSet();
        fingerprint = new long[2];
        in = counters.counter("dedupe", "in");
        out = counters.counter("dedupe", "out");
        duplicates = counters.counter("dedupe", "duplicates");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> collector) {
        in.inc();
        key.fingerprint(row, fingerprint);
        if (!seen.add(fingerprint[0], fingerprint[1])) {
            duplicates.inc();
            return;
        }
        out.inc();
        collector.collect(row);
    }
}
