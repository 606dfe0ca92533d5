package io.flowbundle.pipeline;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/** The dedupe key of a row as a string: one column's text, or several joined by U+0001. */
final class KeyFields implements KeySelector<RowData, String> {

    private static final long serialVersionUID = 1L;

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
            return String.valueOf(getters[0].getFieldOrNull(row));
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < getters.length; i++) {
            if (i > 0) {
                key.append('\u0001');
            }
            key.append(getters[i].getFieldOrNull(row));
        }
        return key.toString();
    }
}
