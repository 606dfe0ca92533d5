package io.flowbundle.contract;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * A schema contract: the columns a dataset must have, their rules, and who owns it. Contracts are
 * enforced on read (input) and on write (output), and their metadata feeds audit and lineage.
 * {@code unknownFields} says what decoding JSON input does with a field the contract does not name.
 */
public record Contract(
        String name,
        int schemaVersion,
        String owner,
        String source,
        String description,
        Integer retentionDays,
        List<String> primaryKey,
        List<Column> columns,
        String location,
        UnknownFields unknownFields)
        implements Serializable {

    public Contract {
        primaryKey = List.copyOf(primaryKey);
        columns = List.copyOf(columns);
        unknownFields = unknownFields == null ? UnknownFields.KEEP : unknownFields;
    }

    /** A contract that keeps the fields it does not name (option {@code unknown_fields}). */
    public Contract(
            String name,
            int schemaVersion,
            String owner,
            String source,
            String description,
            Integer retentionDays,
            List<String> primaryKey,
            List<Column> columns,
            String location) {
        this(
                name,
                schemaVersion,
                owner,
                source,
                description,
                retentionDays,
                primaryKey,
                columns,
                location,
                UnknownFields.KEEP);
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public int indexOf(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** The row type with every timestamp at microsecond precision. */
    public RowType rowType() {
        return rowType(null);
    }

    /**
     * The row type as the pipeline sees it: {@code eventTimeColumn} (if not null) is a millisecond
     * {@code TIMESTAMP(3)} so it can be Flink's rowtime attribute; other timestamps keep
     * microseconds.
     */
    public RowType rowType(String eventTimeColumn) {
        List<RowType.RowField> fields = new ArrayList<>();
        for (Column column : columns) {
            int precision = column.name().equals(eventTimeColumn) ? 3 : 6;
            LogicalType type = column.type().toLogicalType(precision);
            fields.add(new RowType.RowField(column.name(), type));
        }
        return new RowType(true, fields);
    }

    /**
     * The row type records of this contract are decoded into: {@link #rowType(String)}, plus the
     * column {@code _unknown} last under {@code unknown_fields: keep}.
     */
    public RowType decodedType(String eventTimeColumn) {
        return UnknownColumn.appendTo(rowType(eventTimeColumn), unknownFields);
    }
}
