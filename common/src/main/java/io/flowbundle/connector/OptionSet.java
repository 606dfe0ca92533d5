package io.flowbundle.connector;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options a connector accepts in one role, as Flink's table factories declare them: the keys a
 * declaration must have and the ones it may have (with their defaults). The key {@code type} is
 * implied.
 */
public record OptionSet(List<ConfigOption<?>> required, List<ConfigOption<?>> optional) {

    public OptionSet {
        required = List.copyOf(required);
        optional = List.copyOf(optional);
    }

    public static OptionSet of(List<ConfigOption<?>> required, List<ConfigOption<?>> optional) {
        return new OptionSet(required, optional);
    }

    /** Every key a declaration may use, {@code type} first, in declaration order. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(Connectors.TYPE);
        required.forEach(option -> keys.add(option.key()));
        optional.forEach(option -> keys.add(option.key()));
        return keys;
    }

    public List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    public boolean isRequired(ConfigOption<?> option) {
        return required.contains(option);
    }
}
