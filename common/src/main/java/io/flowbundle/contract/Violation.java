package io.flowbundle.contract;

import java.io.Serializable;

/**
 * Why a record was rejected.
 *
 * @param rule the rule broken: {@code required}, {@code range}, {@code allowed} (contract rules),
 *     {@code parse} or {@code type} (the record could not be decoded), {@code unknown} (a field the
 *     contract does not name, under {@code unknown_fields: reject})
 * @param column the column (dotted path for nested fields), or null when the whole record failed
 * @param message a sentence for people: what value broke which rule
 */
public record Violation(String rule, String column, String message) implements Serializable {

    public static final String REQUIRED = "required";
    public static final String RANGE = "range";
    public static final String ALLOWED = "allowed";
    public static final String PARSE = "parse";
    public static final String TYPE = "type";
    public static final String UNKNOWN = "unknown";

    /** How much of a value a message quotes: enough to recognise it, never a whole large record. */
    public static final int QUOTED_CHARS = 64;

    /**
     * A value as a message quotes it: on one line (control characters escaped, as in JSON) and cut
     * after {@link #QUOTED_CHARS} characters with the full length, because the rejected record
     * already carries the value and a reason is read in logs and tables.
     */
    public static String quote(String value) {
        int end = Math.min(value.length(), QUOTED_CHARS);
        StringBuilder out = new StringBuilder(end + 32);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (end < value.length()) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }

    /** A stable name for the rule on this column, used for per-rule counts: {@code range:temp}. */
    public String ruleId() {
        return column == null ? rule : rule + ":" + column;
    }
}
