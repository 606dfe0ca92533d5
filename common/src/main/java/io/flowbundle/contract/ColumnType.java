package io.flowbundle.contract;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The type of a contract column: one of the scalar kinds or a nested row of named fields.
 *
 * <p>{@code timestamp} means UTC wall-clock time with microsecond precision; it maps to Flink's
 * {@code TIMESTAMP(6)} (and, for the pipeline's event-time column only, {@code TIMESTAMP(3)}:
 * Flink's rowtime attribute cannot be finer than milliseconds).
 */
public final class ColumnType implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The kinds a contract can name, with their spelling in YAML. */
    public enum Kind {
        STRING("string"),
        INT("int"),
        BIGINT("bigint"),
        DOUBLE("double"),
        BOOLEAN("boolean"),
        DATE("date"),
        TIMESTAMP("timestamp"),
        ROW("row");

        private final String yamlName;

        Kind(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }

        public boolean isNumeric() {
            return this == INT || this == BIGINT || this == DOUBLE;
        }
    }

    /** A field of a nested row type. */
    public record Field(String name, ColumnType type) implements Serializable {}

    private final Kind kind;
    private final List<Field> fields;

    private ColumnType(Kind kind, List<Field> fields) {
        this.kind = kind;
        this.fields = List.copyOf(fields);
    }

    public static ColumnType of(Kind kind) {
        if (kind == Kind.ROW) {
            throw new IllegalArgumentException("use ColumnType.row(fields) for nested rows");
        }
        return new ColumnType(kind, List.of());
    }

    public static ColumnType row(List<Field> fields) {
        return new ColumnType(Kind.ROW, fields);
    }

    /** The kind for a YAML type name such as {@code bigint}; also accepts a few common aliases. */
    public static Kind kindOf(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "string":
            case "varchar":
            case "text":
                return Kind.STRING;
            case "int":
            case "integer":
                return Kind.INT;
            case "bigint":
            case "long":
                return Kind.BIGINT;
            case "double":
            case "float64":
                return Kind.DOUBLE;
            case "boolean":
            case "bool":
                return Kind.BOOLEAN;
            case "date":
                return Kind.DATE;
            case "timestamp":
                return Kind.TIMESTAMP;
            default:
                return null;
        }
    }

    public Kind kind() {
        return kind;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The Flink logical type; every level is nullable because validation enforces presence. */
    public LogicalType toLogicalType(int timestampPrecision) {
        switch (kind) {
            case STRING:
                return new VarCharType(true, VarCharType.MAX_LENGTH);
            case INT:
                return new IntType(true);
            case BIGINT:
                return new BigIntType(true);
            case DOUBLE:
                return new DoubleType(true);
            case BOOLEAN:
                return new BooleanType(true);
            case DATE:
                return new DateType(true);
            case TIMESTAMP:
                return new TimestampType(true, timestampPrecision);
            case ROW:
                List<RowType.RowField> rowFields = new ArrayList<>();
                for (Field field : fields) {
                    rowFields.add(
                            new RowType.RowField(field.name(), field.type().toLogicalType(6)));
                }
                return new RowType(true, rowFields);
            default:
                throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    /** The contract spelling: {@code bigint} or {@code {room: string, building: string}}. */
    @Override
    public String toString() {
        if (kind != Kind.ROW) {
            return kind.yamlName();
        }
        return fields.stream()
                .map(f -> f.name() + ": " + f.type())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ColumnType)) {
            return false;
        }
        ColumnType that = (ColumnType) o;
        return kind == that.kind && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, fields);
    }
}
