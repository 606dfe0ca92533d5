package io.flowbundle.operators;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.openhft.hashing.LongTupleHashFunction;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinarySegmentUtils;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;

/**
 * The dedupe key of a row and its 128-bit {@link #fingerprint}, which is all dedupe compares: it is
 * computed once before the shuffle ({@link Fingerprinted}) and compared by {@link
 * BatchDedupeOperator} and {@link DedupeOperator}.
 *
 * <p>The fingerprint is MurmurHash3 x64 128 (seed 0, zero-allocation-hashing's reference
 * implementation) of an unambiguous encoding of the key columns, written into a buffer this object
 * reuses: per column, in key order, a null marker ({@code 0x00}, nothing after it) or a type tag,
 * the value's length (4 bytes, big-endian) and its bytes. So a missing value differs from the empty
 * string and from the text {@code null}, and ("ab", "c") differs from ("a", "bc") whatever the
 * values contain: two different keys have different encodings, and are taken for one only if 128
 * bits of a vetted hash agree (about n^2/2^129 for n distinct keys). The encoding and the hash are
 * part of the streaming state layout ({@link DedupeLayout}): change either and the layout's
 * version.
 *
 * <p>Values: strings as their UTF-8 bytes (copied straight from the row's memory, never decoded);
 * integers of any width as 8 bytes, so the same number is the same key whatever the column's
 * integer type; floating point as the bits of the double; timestamps as epoch milliseconds and the
 * nanoseconds within them; decimals as their unscaled value (the column's type fixes the scale);
 * other types by their text.
 */
public final class DedupeKey implements Serializable {

    private static final long serialVersionUID = 2L;

    static final LongTupleHashFunction HASH = LongTupleHashFunction.murmur_3();

    /** A missing value: nothing follows. */
    static final byte TAG_NULL = 0x00;

    static final byte TAG_STRING = 0x01;
    static final byte TAG_BYTES = 0x02;
    static final byte TAG_BOOLEAN = 0x03;
    static final byte TAG_INTEGER = 0x04;
    static final byte TAG_FLOATING = 0x05;
    static final byte TAG_TIMESTAMP = 0x06;
    static final byte TAG_DECIMAL = 0x07;
    static final byte TAG_TEXT = 0x08;

    /** Tag and length in front of each value. */
    private static final int HEADER = 5;

    private final int[] indexes;
    private final Kind[] kinds;

    /** Per key column: the precision of a timestamp or decimal column, else 0. */
    private final int[] precisions;

    /** Per key column: the scale of a decimal column, else 0. */
    private final int[] scales;

    /** Per key column: reads a value encoded by its text. */
    private final RowData.FieldGetter[] getters;

    /** The encoding of the current key; grows to the longest key seen. */
    private transient byte[] buffer;

    public DedupeKey(RowType rowType, List<String> columns) {
        int count = columns.size();
        this.indexes = new int[count];
        this.kinds = new Kind[count];
        this.precisions = new int[count];
        this.scales = new int[count];
        this.getters = new RowData.FieldGetter[count];
        for (int i = 0; i < count; i++) {
            int index = rowType.getFieldIndex(columns.get(i));
            if (index < 0) {
                throw new IllegalArgumentException(
                        "dedupe key column "
                                + columns.get(i)
                                + " is not in "
                                + rowType.getFieldNames());
            }
            LogicalType type = rowType.getTypeAt(index);
            indexes[i] = index;
            kinds[i] = Kind.of(type);
            if (type instanceof TimestampType timestamp) {
                precisions[i] = timestamp.getPrecision();
            } else if (type instanceof LocalZonedTimestampType timestamp) {
                precisions[i] = timestamp.getPrecision();
            } else if (type instanceof DecimalType decimal) {
                precisions[i] = decimal.getPrecision();
                scales[i] = decimal.getScale();
            }
            getters[i] = RowData.createFieldGetter(type, index);
        }
    }

    /**
     * The 128-bit fingerprint of the row's key into {@code into[0..1]}. No allocation for strings
     * and numbers.
     */
    public void fingerprint(RowData row, long[] into) {
        int length = encode(row); // first: it may replace the buffer
        HASH.hashBytes(buffer, 0, length, into);
    }

    /** The key's encoding: the bytes {@link #fingerprint} hashes (for tests). */
    byte[] encoding(RowData row) {
        int length = encode(row);
        return Arrays.copyOf(buffer, length);
    }

    /** Writes the row's key into {@link #buffer}; returns its length. */
    private int encode(RowData row) {
        if (buffer == null) {
            buffer = new byte[64];
        }
        int length = 0;
        for (int i = 0; i < indexes.length; i++) {
            length = encode(row, i, length);
        }
        return length;
    }

    /** Appends key column {@code i} of the row at {@code at}; returns the new length. */
    private int encode(RowData row, int i, int at) {
        int index = indexes[i];
        if (row.isNullAt(index)) {
            ensure(at + 1);
            buffer[at] = TAG_NULL;
            return at + 1;
        }
        switch (kinds[i]) {
            case STRING -> {
                StringData value = row.getString(index);
                if (value instanceof BinaryStringData binary) {
                    int size = binary.getSizeInBytes();
                    int from = header(at, TAG_STRING, size);
                    MemorySegment[] segments = binary.getSegments();
                    if (segments.length == 1 && !segments[0].isOffHeap()) {
                        System.arraycopy(
                                segments[0].getArray(), binary.getOffset(), buffer, from, size);
                    } else {
                        BinarySegmentUtils.copyToBytes(
                                segments, binary.getOffset(), buffer, from, size);
                    }
                    return from + size;
                }
                return bytes(at, TAG_STRING, value.toBytes());
            }
            case BYTES -> {
                return bytes(at, TAG_BYTES, row.getBinary(index));
            }
            case BOOLEAN -> {
                int from = header(at, TAG_BOOLEAN, 1);
                buffer[from] = (byte) (row.getBoolean(index) ? 1 : 0);
                return from + 1;
            }
            case TINYINT -> {
                return number(at, TAG_INTEGER, row.getByte(index));
            }
            case SMALLINT -> {
                return number(at, TAG_INTEGER, row.getShort(index));
            }
            case INT -> {
                return number(at, TAG_INTEGER, row.getInt(index));
            }
            case BIGINT -> {
                return number(at, TAG_INTEGER, row.getLong(index));
            }
            case FLOAT -> {
                return number(at, TAG_FLOATING, Double.doubleToLongBits(row.getFloat(index)));
            }
            case DOUBLE -> {
                return number(at, TAG_FLOATING, Double.doubleToLongBits(row.getDouble(index)));
            }
            case TIMESTAMP -> {
                TimestampData value = row.getTimestamp(index, precisions[i]);
                int from = header(at, TAG_TIMESTAMP, 12);
                putLong(from, value.getMillisecond());
                putInt(from + 8, value.getNanoOfMillisecond());
                return from + 12;
            }
            case DECIMAL -> {
                DecimalData value = row.getDecimal(index, precisions[i], scales[i]);
                return bytes(at, TAG_DECIMAL, value.toBigDecimal().unscaledValue().toByteArray());
            }
            default -> {
                Object value = getters[i].getFieldOrNull(row);
                return bytes(at, TAG_TEXT, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private int bytes(int at, byte tag, byte[] value) {
        int from = header(at, tag, value.length);
        System.arraycopy(value, 0, buffer, from, value.length);
        return from + value.length;
    }

    private int number(int at, byte tag, long value) {
        int from = header(at, tag, 8);
        putLong(from, value);
        return from + 8;
    }

    /** Writes tag and length, making room for the value; returns where the value goes. */
    private int header(int at, byte tag, int length) {
        ensure(at + HEADER + length);
        buffer[at] = tag;
        putInt(at + 1, length);
        return at + HEADER;
    }

    private void ensure(int length) {
        if (length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(length, buffer.length * 2));
        }
    }

    private void putInt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    private void putLong(int at, long value) {
        putInt(at, (int) (value >>> 32));
        putInt(at + 4, (int) value);
    }

    /** How a key column's values are encoded. */
    private enum Kind {
        STRING,
        BYTES,
        BOOLEAN,
        TINYINT,
        SMALLINT,
        INT,
        BIGINT,
        FLOAT,
        DOUBLE,
        TIMESTAMP,
        DECIMAL,
        TEXT;

        static Kind of(LogicalType type) {
            return switch (type.getTypeRoot()) {
                case CHAR, VARCHAR -> STRING;
                case BINARY, VARBINARY -> BYTES;
                case BOOLEAN -> BOOLEAN;
                case TINYINT -> TINYINT;
                case SMALLINT -> SMALLINT;
                case INTEGER, DATE, TIME_WITHOUT_TIME_ZONE -> INT;
                case BIGINT -> BIGINT;
                case FLOAT -> FLOAT;
                case DOUBLE -> DOUBLE;
                case TIMESTAMP_WITHOUT_TIME_ZONE, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> TIMESTAMP;
                case DECIMAL -> DECIMAL;
                default -> TEXT;
            };
        }
    }
}
