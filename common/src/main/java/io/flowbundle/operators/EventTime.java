package io.flowbundle.operators;

import java.io.Serializable;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.table.data.RowData;

/** Reads the event-time column of a pipeline row as epoch milliseconds (UTC). */
public final class EventTime implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int index;
    private final int precision;

    public EventTime(int index, int precision) {
        this.index = index;
        this.precision = precision;
    }

    public long millis(RowData row) {
        return row.getTimestamp(index, precision).getMillisecond();
    }

    public int index() {
        return index;
    }

    /**
     * Timestamps for envelopes: the payload's event time, or {@code Long.MIN_VALUE} for a record
     * that did not decode (it never reaches a window, and cannot move the watermark).
     */
    public SerializableTimestampAssigner<RowData> envelopeAssigner(int payloadArity) {
        return (envelope, previous) -> {
            if (!Envelope.isDecoded(envelope)) {
                return Long.MIN_VALUE;
            }
            RowData payload = Envelope.payload(envelope, payloadArity);
            return payload.isNullAt(index) ? Long.MIN_VALUE : millis(payload);
        };
    }
}
