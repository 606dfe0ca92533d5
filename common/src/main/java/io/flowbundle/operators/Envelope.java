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
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * A record on its way into a {@link ContractGate}: either a decoded row, or the reason it could not
 * be decoded, plus where it came from. Both modes feed gates with envelopes, so one gate serves
 * Parquet rows (always decoded, no raw bytes) and Kafka records (raw bytes kept for the dead-letter
 * output until the record has passed the gate).
 *
 * <p>A Kafka source also marks a record that is late: behind the watermark of its own partition
 * (see {@link io.flowbundle.kafka.EnvelopeDeserializer}); the gate sends it to the late output.
 *
 * <p>Layout: {@code ROW<payload ROW<...>, error_rule, error_column, error_message, raw BYTES,
 * partition INT, offset BIGINT, late_behind BIGINT>}; a {@link RowData} so it travels without Kryo.
 */
public final class Envelope {

    public static final int PAYLOAD = 0;
    public static final int ERROR_RULE = 1;
    public static final int ERROR_COLUMN = 2;
    public static final int ERROR_MESSAGE = 3;
    public static final int RAW = 4;
    public static final int PARTITION = 5;
    public static final int OFFSET = 6;
    public static final int LATE_BEHIND = 7;
    private static final int ARITY = 8;

    private Envelope() {}

    public static RowType type(RowType payloadType) {
        return RowType.of(
                new LogicalType[] {
                    payloadType,
                    new VarCharType(true, VarCharType.MAX_LENGTH),
                    new VarCharType(true, VarCharType.MAX_LENGTH),
                    new VarCharType(true, VarCharType.MAX_LENGTH),
                    new VarBinaryType(true, VarBinaryType.MAX_LENGTH),
                    new IntType(true),
                    new BigIntType(true),
                    new BigIntType(true)
                },
                new String[] {
                    "payload",
                    "error_rule",
                    "error_column",
                    "error_message",
                    "raw",
                    "partition",
                    "offset",
                    "late_behind"
                });
    }

    public static InternalTypeInfo<RowData> typeInfo(RowType payloadType) {
        return InternalTypeInfo.of(type(payloadType));
    }

    /** A row that needs no decoding (Parquet input, transform output). */
    public static GenericRowData ofRow(RowData payload) {
        GenericRowData envelope = new GenericRowData(ARITY);
        envelope.setField(PAYLOAD, payload);
        return envelope;
    }

    /**
     * A decoded Kafka record, keeping its raw bytes for the dead-letter output.
     *
     * @param lateBehind the partition watermark (epoch millis) the record's event time is at or
     *     behind, or null if it is on time
     */
    public static GenericRowData ofRecord(
            RowData payload, byte[] raw, int partition, long offset, Long lateBehind) {
        GenericRowData envelope = new GenericRowData(ARITY);
        envelope.setField(PAYLOAD, payload);
        envelope.setField(RAW, raw);
        envelope.setField(PARTITION, partition);
        envelope.setField(OFFSET, offset);
        envelope.setField(LATE_BEHIND, lateBehind);
        return envelope;
    }

    /** A Kafka record that could not be decoded. */
    public static GenericRowData ofFailure(
            Violation violation, byte[] raw, int partition, long offset) {
        GenericRowData envelope = new GenericRowData(ARITY);
        envelope.setField(ERROR_RULE, StringData.fromString(violation.rule()));
        envelope.setField(
                ERROR_COLUMN,
                violation.column() == null ? null : StringData.fromString(violation.column()));
        envelope.setField(ERROR_MESSAGE, StringData.fromString(violation.message()));
        envelope.setField(RAW, raw);
        envelope.setField(PARTITION, partition);
        envelope.setField(OFFSET, offset);
        return envelope;
    }

    public static boolean isDecoded(RowData envelope) {
        return envelope.isNullAt(ERROR_RULE);
    }

    public static boolean isLate(RowData envelope) {
        return !envelope.isNullAt(LATE_BEHIND);
    }

    public static RowData payload(RowData envelope, int payloadArity) {
        return envelope.getRow(PAYLOAD, payloadArity);
    }

    public static Violation failure(RowData envelope) {
        return new Violation(
                envelope.getString(ERROR_RULE).toString(),
                envelope.isNullAt(ERROR_COLUMN)
                        ? null
                        : envelope.getString(ERROR_COLUMN).toString(),
                envelope.getString(ERROR_MESSAGE).toString());
    }
}
