package io.flowbundle.operators;

import io.flowbundle.contract.Violation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * A record that did not make it into the results, and why: the quarantine (batch) and dead-letter
 * (streaming) share this one schema, whatever the contract, so one reader serves every pipeline.
 *
 * <ul>
 *   <li>{@code stage}: input (decode or input contract), late, or output (output contract)
 *   <li>{@code rule}, {@code column}, {@code reason}: the rule broken, where, and in words
 *   <li>{@code source}, {@code partition}, {@code offset}: the dataset, and for Kafka the record's
 *       position
 *   <li>{@code record}: the original record: the raw bytes as text for Kafka, the row as JSON for
 *       Parquet; {@code record_encoding} is {@code utf-8}, or {@code base64} for raw bytes that are
 *       not UTF-8 text (nothing is lost to a replacement character)
 * </ul>
 */
public final class Rejected {

    public static final String STAGE_INPUT = "input";
    public static final String STAGE_LATE = "late";
    public static final String STAGE_OUTPUT = "output";

    public static final RowType TYPE =
            RowType.of(
                    new LogicalType[] {
                        string(),
                        string(),
                        string(),
                        string(),
                        string(),
                        string(),
                        string(),
                        new IntType(true),
                        new BigIntType(true),
                        string(),
                        string()
                    },
                    new String[] {
                        "run_id",
                        "pipeline",
                        "stage",
                        "rule",
                        "column",
                        "reason",
                        "source",
                        "partition",
                        "offset",
                        "record",
                        "record_encoding"
                    });

    public static final int STAGE = 2;
    public static final int RULE = 3;
    public static final int COLUMN = 4;
    public static final int REASON = 5;
    public static final int RECORD = 9;

    private Rejected() {}

    public static InternalTypeInfo<RowData> typeInfo() {
        return InternalTypeInfo.of(TYPE);
    }

    public static GenericRowData of(
            String runId,
            String pipeline,
            String stage,
            Violation violation,
            String source,
            Integer partition,
            Long offset,
            String record) {
        return of(runId, pipeline, stage, violation, source, partition, offset, record, "utf-8");
    }

    public static GenericRowData of(
            String runId,
            String pipeline,
            String stage,
            Violation violation,
            String source,
            Integer partition,
            Long offset,
            String record,
            String recordEncoding) {
        return GenericRowData.of(
                StringData.fromString(runId),
                StringData.fromString(pipeline),
                StringData.fromString(stage),
                StringData.fromString(violation.rule()),
                violation.column() == null ? null : StringData.fromString(violation.column()),
                StringData.fromString(violation.message()),
                StringData.fromString(source),
                partition,
                offset,
                record == null ? null : StringData.fromString(record),
                record == null ? null : StringData.fromString(recordEncoding));
    }

    private static VarCharType string() {
        return new VarCharType(true, VarCharType.MAX_LENGTH);
    }
}
