package io.flowbundle.contract;

import java.io.Serializable;

/**
 * Why a record was rejected.
 *
 * @param rule the rule broken: {@code required}, {@code range}, {@code allowed} (contract rules),
 *     {@code parse} or {@code type} (the record could not be decoded)
 * @param column the column (dotted path for nested fields), or null when the whole record failed
 * @param message a sentence for people: what value broke which rule
 */
public record Violation(String rule, String column, String message) implements Serializable {

    public static final String REQUIRED = "required";
    public static final String RANGE = "range";
    public static final String ALLOWED = "allowed";
    public static final String PARSE = "parse";
    public static final String TYPE = "type";

    /** A stable name for the rule on this column, used for per-rule counts: {@code range:temp}. */
    public String ruleId() {
        return column == null ? rule : rule + ":" + column;
    }
}
