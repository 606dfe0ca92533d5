package io.flowbundle.pipeline;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/**
 * The dedupe key of a row as a string: one column's text, or several joined by U+0001. A missing
 * value is {@link #NULL}, so rows without a key value are not duplicates of a row whose key is the
 * text {@code null} (they are of each other, as in a SQL {@code GROUP BY}).
 */
final class KeyFields implements KeySelector<RowData, String> {

    private static final long serialVersionUID = 1L;

    /** Control characters do not occur in real key values. */
    private static final String NULL = "\u0000null";

    private final RowData.FieldGetter[] getters;

    KeyFields(RowType rowType, List<String> columns) {
        getters = new RowData.FieldGetter[columns.size()];
        for (int i = 0; i < getters.length; i++) {
            int index = rowType.getFieldIndex(columns.get(i));
            getters[i] = RowData.createFieldGetter(rowType.getTypeAt(index), index);
        }
    }

    @Override
    public String getKey(RowData row) {
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

    private static String text(Object value) {
        return value == null ? NULL : value.toString();
    }
}
