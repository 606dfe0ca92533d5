package io.flowbundle.testing;

import io.flowbundle.operators.Rejected;
import org.apache.flink.table.data.RowData;

/** A rejected record ({@link Rejected#TYPE}) with named fields, for readable assertions. */
public record RejectedRecord(
        String runId,
        String pipeline,
        String stage,
        String rule,
        String column,
        String reason,
        String source,
        Integer partition,
        Long offset,
        String record,
        String recordEncoding) {

    public static RejectedRecord of(RowData row) {
        return new RejectedRecord(
                text(row, 0),
                text(row, 1),
                text(row, Rejected.STAGE),
                text(row, Rejected.RULE),
                text(row, Rejected.COLUMN),
                text(row, Rejected.REASON),
                text(row, 6),
                row.isNullAt(7) ? null : row.getInt(7),
                row.isNullAt(8) ? null : row.getLong(8),
                text(row, Rejected.RECORD),
                text(row, 10));
    }

    private static String text(RowData row, int index) {
        return row.isNullAt(index) ? null : row.getString(index).toString();
    }
}
