package io.flowbundle.operators;

import io.flowbundle.contract.Violation;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

/**
 * The last check before the SQL windows: a row at or behind this operator's watermark goes to the
 * {@link ContractGate#LATE} output instead of reaching a window operator that would drop it without
 * a trace. Windows downstream see a watermark no newer than this operator's (watermarks travel in
 * order with the records), so a row let through here is never dropped there.
 *
 * <p>The Kafka source marks rows late per partition first, which decides the normal case
 * deterministically (see {@link io.flowbundle.kafka.EnvelopeDeserializer}); rows only get here late
 * when the global watermark ran ahead of their partition's, which happens when an {@code
 * idle_timeout} excluded their partition from it for a while.
 */
public final class LateEventFilter extends CountingProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final EventTime eventTime;
    private final RowType rowType;
    private final String runId;
    private final String pipeline;
    private final String source;
    private String input;

    private transient JsonRowEncoder encoder;
    private transient Counters.Count late;

    public LateEventFilter(
            EventTime eventTime, RowType rowType, String runId, String pipeline, String source) {
        this.eventTime = eventTime;
        this.rowType = rowType;
        this.runId = runId;
        this.pipeline = pipeline;
        this.source = source;
    }

    /**
     * Counts as the operator of input {@code input} ({@link Counters#scoped}) rather than of the
     * main input.
     */
    public LateEventFilter countedAs(String input) {
        this.input = input;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        encoder = new JsonRowEncoder(rowType);
        late = counters.counter(Counters.scoped("late", input), "behind_watermark");
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> out) {
        long watermark = ctx.timerService().currentWatermark();
        long time = eventTime.millis(row);
        if (time > watermark) {
            out.collect(row);
            return;
        }
        late.inc();
        ctx.output(
                ContractGate.LATE,
                Rejected.of(
                        runId,
                        pipeline,
                        Rejected.STAGE_LATE,
                        new Violation(
                                Rejected.STAGE_LATE,
                                null,
                                "event time is at or behind the job's watermark ("
                                        + Instant.ofEpochMilli(watermark)
                                        + ") after its partition was idle; its window may have been"
                                        + " emitted"),
                        source,
                        null,
                        null,
                        encoder.encodeToString(row)));
    }
}
