package io.flowbundle.operators;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

import java.io.Serializable;
import java.util.List;

/**
 * The dedupe key of a row. {@link #text} is the exact key: one column's text, or several joined by
 * U+0001; a missing value is {@link #NULL}, so rows without a key value are not duplicates of a
 * row whose key is the text {@code null} (they are of each other, as in a SQL {@code GROUP BY}).
 *
 * <p>Dedupe works on the key's 128-bit {@link #fingerprint}, computed once before the shuffle
 * ({@link Fingerprinted}) and compared by {@link BatchDedupeOperator} and {@link DedupeOperator}:
 * two keys are taken for one only if 128 hash bits agree (about n^2/2^129 for n distinct keys).
 */
public final class DedupeKey implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Control characters do not occur in real key values. */
    private static final String NULL = "\u0000null";

    private final RowData.FieldGetter[] getters;
    /** The column of a key that is one string column, else -1. */
    private final int stringColumn;

    public DedupeKey(RowType rowType, List<String> columns) {
        int only = columns.size() == 1 ? rowType.getFieldIndex(columns.get(0)) : -1;
        stringColumn =
                only >= 0 && rowType.getTypeAt(only).getTypeRoot() == LogicalTypeRoot.VARCHAR ? only : -1;
        getters = new RowData.FieldGetter[columns.size()];
        for (int i = 0; i < getters.length; i++) {
            int index = rowType.getFieldIndex(columns.get(i));
            getters[i] = RowData.createFieldGetter(rowType.getTypeAt(index), index);
        }
    }

    /** The exact key. */
    public String text(RowData row) {
        if (getters.length == 1) {
            return text(getters[0].getFieldOrNull(row));
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < getters.length; i++) {
            if (i > 0) {
                key.append('\u0001');
            }
            key.append(text(getters[i].getFieldOrNull(row)));
        }
        return key.toString();
    }

    /**
     * A 128-bit fingerprint of the key into {@code into[0..1]}: two independent 64-bit hashes. A
     * key that is one string column is hashed from its UTF-8 bytes, without decoding a String.
     */
    public void fingerprint(RowData row, long[] into) {
        if (stringColumn >= 0 && !row.isNullAt(stringColumn)
                && row.getString(stringColumn) instanceof BinaryStringData bytes) {
            // both hashes in one pass over the bytes: this runs for every record
            int length = bytes.getSizeInBytes();
            long first = 0x9E3779B97F4A7C15L ^ length;
            long second = 0xD6E8FEB86659FD93L ^ length;
            for (int i = 0; i < length; i++) {
                int b = bytes.byteAt(i) & 0xFF;
                first = (first ^ b) * 0xBF58476D1CE4E5B9L;
                first ^= first >>> 31;
                second = (second ^ b) * 0x94D049BB133111EBL;
                second ^= second >>> 29;
            }
            into[0] = finish(first);
            into[1] = finish(second);
            return;
        }
        String text = text(row);
        into[0] = hash(text);
        into[1] = hash2(text);
    }

    private static String text(Object value) {
        return value == null ? NULL : value.toString();
    }

    /** A 64-bit hash with good spread (per-char multiply-xorshift, then MurmurHash3's finalizer). */
    static long hash(String text) {
        return mix(text, 0x9E3779B97F4A7C15L, 0xBF58476D1CE4E5B9L);
    }

    /** A second 64-bit hash, independent of {@link #hash}: together a 128-bit fingerprint. */
    static long hash2(String text) {
        return mix(text, 0xD6E8FEB86659FD93L, 0x94D049BB133111EBL);
    }

    private static long mix(String text, long seed, long multiplier) {
        long h = seed ^ text.length();
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * multiplier;
            h ^= h >>> 31;
        }
        return finish(h);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
