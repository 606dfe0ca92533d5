package io.flowbundle.contract;

/**
 * What decoding JSON input does with a field the contract does not name, at any nesting level: the
 * contract option {@code unknown_fields}.
 */
public enum UnknownFields {
    /**
     * Keep it: every such field, with its value as sent, goes into the JSON object of the column
     * {@code _unknown} ({@link UnknownColumn}), null when there are none (the default).
     */
    KEEP("keep"),
    /** Skip it: the row has the contract's columns only. */
    DROP("drop"),
    /** Reject the record ({@code unknown field a.b.c}, the first such field's dotted path). */
    REJECT("reject");

    private final String yamlName;

    UnknownFields(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The option's value as a contract writes it. */
    public String yamlName() {
        return yamlName;
    }

    /** The value written {@code text} (in any case), or null if there is none. */
    public static UnknownFields of(String text) {
        for (UnknownFields value : values()) {
            if (value.yamlName.equalsIgnoreCase(text)) {
                return value;
            }
        }
        return null;
    }
}
