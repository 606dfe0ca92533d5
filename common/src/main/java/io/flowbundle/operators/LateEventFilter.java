package io.flowbundle.operators;

import io.flowbundle.contract.Violation;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;

/**
 * Sends events at or behind the current watermark to the {@link #LATE} side output instead of
 * letting the window operator drop them without a trace.
 *
 * <p>Placed right before the SQL transform: the window operators downstream see a watermark no
 * newer than this operator's (watermarks only move forward and travel in order with records), so
 * every event let through here is still on time there.
 */
public final class LateEventFilter extends ProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RowData> LATE = new OutputTag<>("late", Rejected.typeInfo());

    private final EventTime eventTime;
    private final RowType rowType;
    private final String runId;
    private final String pipeline;
    private final String source;

    private transient JsonRowEncoder encoder;
    private transient StageCounters.Pair late;

    public LateEventFilter(
            EventTime eventTime, RowType rowType, String runId, String pipeline, String source) {
        this.eventTime = eventTime;
        this.rowType = rowType;
        this.runId = runId;
        this.pipeline = pipeline;
        this.source = source;
    }

    @Override
    public void open(OpenContext openContext) {
        encoder = new JsonRowEncoder(rowType);
        late = new StageCounters(getRuntimeContext(), "late").counter("events");
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
        String message =
                "event time "
                        + Instant.ofEpochMilli(time)
                        + " is behind the watermark "
                        + Instant.ofEpochMilli(watermark)
                        + "; its window has been emitted";
        ctx.output(
                LATE,
                Rejected.of(
                        runId,
                        pipeline,
                        Rejected.STAGE_LATE,
                        new Violation("late", null, message),
                        source,
                        null,
                        null,
                        encoder.encodeToString(row)));
    }
}
