package io.flowbundle.contract;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Checks rows against a contract's rules. Pure and allocation-free on valid rows, so it can sit on
 * the hot path of both the batch and the streaming job.
 *
 * <p>Rows must have the contract's column order (as produced by the decoders and the Parquet
 * reader). Types are guaranteed by decoding; this class checks presence, ranges and allowed values,
 * and reports the first rule a row breaks.
 */
public final class RowValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Check[] checks;
    private final Map<String, String> ruleDescriptions;

    public RowValidator(Contract contract) {
        RowType rowType = contract.rowType();
        List<Check> compiled = new ArrayList<>();
        Map<String, String> rules = new LinkedHashMap<>();
        for (int i = 0; i < contract.columns().size(); i++) {
            Column column = contract.columns().get(i);
            LogicalType type = rowType.getTypeAt(i);
            Check check = new Check(i, column, RowData.createFieldGetter(type, i));
            if (check.hasRules()) {
                compiled.add(check);
            }
            if (column.required()) {
                rules.put(Violation.REQUIRED + ":" + column.name(), column.name() + " is present");
            }
            if (column.hasRange()) {
                rules.put(
                        Violation.RANGE + ":" + column.name(),
                        column.name() + " within " + range(column));
            }
            if (!column.allowed().isEmpty()) {
                rules.put(
                        Violation.ALLOWED + ":" + column.name(),
                        column.name() + " in " + column.allowed());
            }
        }
        this.checks = compiled.toArray(new Check[0]);
        this.ruleDescriptions = rules;
    }

    /** Returns the first rule the row breaks, or null if it keeps them all. */
    public Violation validate(RowData row) {
        for (Check check : checks) {
            Violation violation = check.apply(row);
            if (violation != null) {
                return violation;
            }
        }
        return null;
    }

    /**
     * Reports every rule the row breaks (at most one per column, in column order), for reports that
     * count each rule rather than route the row by its first broken rule.
     */
    public void forEachViolation(RowData row, Consumer<Violation> action) {
        for (Check check : checks) {
            Violation violation = check.apply(row);
            if (violation != null) {
                action.accept(violation);
            }
        }
    }

    /** Every rule of the contract by id ({@code range:temperature_c}) with a description. */
    public Map<String, String> rules() {
        return ruleDescriptions;
    }

    private static final class Check implements Serializable {

        private static final long serialVersionUID = 1L;

        private final int index;
        private final Column column;
        private final RowData.FieldGetter getter;
        private final double min;
        private final double max;
        private final Set<String> allowed;

        /**
         * {@code allowed} as StringData, compared by their UTF-8 bytes: no String per value
         * checked.
         */
        private transient Set<StringData> allowedData;

        Check(int index, Column column, RowData.FieldGetter getter) {
            this.index = index;
            this.column = column;
            this.getter = getter;
            this.min = column.min() == null ? Double.NEGATIVE_INFINITY : column.min();
            this.max = column.max() == null ? Double.POSITIVE_INFINITY : column.max();
            this.allowed = column.allowed().isEmpty() ? null : new HashSet<>(column.allowed());
        }

        boolean hasRules() {
            return column.required() || column.hasRange() || allowed != null;
        }

        Violation apply(RowData row) {
            if (row.isNullAt(index)) {
                return column.required()
                        ? new Violation(
                                Violation.REQUIRED,
                                column.name(),
                                column.name() + " is required but missing")
                        : null;
            }
            if (column.hasRange()) {
                double value = numeric(row);
                if (Double.isNaN(value) || value < min || value > max) {
                    return new Violation(
                            Violation.RANGE,
                            column.name(),
                            column.name()
                                    + " = "
                                    + getter.getFieldOrNull(row)
                                    + " is outside "
                                    + range(column));
                }
            }
            if (allowed != null) {
                Object value = getter.getFieldOrNull(row);
                if (!isAllowed(value)) {
                    String text = Violation.quote(String.valueOf(value));
                    return new Violation(
                            Violation.ALLOWED,
                            column.name(),
                            column.name() + " = '" + text + "' is not one of " + column.allowed());
                }
            }
            return null;
        }

        private boolean isAllowed(Object value) {
            if (!(value instanceof StringData data)) {
                return allowed.contains(String.valueOf(value));
            }
            if (allowedData == null) {
                Set<StringData> values = new HashSet<>();
                allowed.forEach(text -> values.add(StringData.fromString(text)));
                allowedData = values;
            }
            return allowedData.contains(data);
        }

        private double numeric(RowData row) {
            switch (column.type().kind()) {
                case INT:
                    return row.getInt(index);
                case BIGINT:
                    return row.getLong(index);
                default:
                    return row.getDouble(index);
            }
        }
    }

    /** {@code [-50, 100]}, {@code [1, +inf]}: the same text in violations and in rules(). */
    private static String range(Column column) {
        return "[" + bound(column.min(), "-inf") + ", " + bound(column.max(), "+inf") + "]";
    }

    private static String bound(Double value, String open) {
        if (value == null) {
            return open;
        }
        return value == Math.rint(value) ? String.valueOf(value.longValue()) : value.toString();
    }
}
