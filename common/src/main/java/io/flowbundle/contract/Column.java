package io.flowbundle.contract;

import java.io.Serializable;
import java.util.List;

/**
 * A column of a contract and its rules.
 *
 * @param min inclusive lower bound for numeric columns, or null
 * @param max inclusive upper bound for numeric columns, or null
 * @param allowed the only values a string or int column may take, or empty for any
 */
public record Column(
        String name,
        ColumnType type,
        boolean required,
        Double min,
        Double max,
        List<String> allowed,
        String description)
        implements Serializable {

    public Column {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public static Column of(String name, ColumnType type) {
        return new Column(name, type, false, null, null, List.of(), null);
    }

    public boolean hasRange() {
        return min != null || max != null;
    }
}
