package io.flowbundle.connector;

import io.flowbundle.config.ConfigException;
import io.flowbundle.config.ConfigNode;
import io.flowbundle.fs.Locations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * One connector declaration of a spec, checked against its factory's {@link OptionSet}: unknown
 * keys and missing required keys are errors naming the file and the key path, and every value is
 * read as its option's type ({@link OptionTypes}).
 */
public final class ConnectorOptions {

    private final ConfigNode node;
    private final OptionSet options;
    private final Role role;

    private ConnectorOptions(ConfigNode node, OptionSet options, Role role) {
        this.node = node;
        this.options = options;
        this.role = role;
    }

    /** Checks the declaration's keys and reads every value as its option's type. */
    static ConnectorOptions validate(ConfigNode node, OptionSet options, Role role) {
        node.allowOnly(options.keys().toArray(String[]::new));
        for (ConfigOption<?> option : options.required()) {
            node.get(option.key());
        }
        ConnectorOptions checked = new ConnectorOptions(node, options, role);
        for (ConfigOption<?> option : options.all()) {
            checked.get(option);
        }
        return checked;
    }

    public Role role() {
        return role;
    }

    /** The spec file of the declaration. */
    public Path file() {
        return node.file();
    }

    /** The key path of the declaration, e.g. {@code sink[1]}. */
    public String keyPath() {
        return node.keyPath();
    }

    public boolean has(ConfigOption<?> option) {
        return node.has(option.key());
    }

    /** The option's value as its type, its default when absent (null when it has none). */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        if (!options.all().contains(option)) {
            throw new IllegalArgumentException(
                    option.key() + " is not an option of this connector");
        }
        if (!node.has(option.key())) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        ConfigNode value = node.get(option.key());
        Class<?> type = OptionTypes.type(option);
        if (OptionTypes.isList(option)) {
            return (T) value.textList();
        }
        if (type == String.class) {
            return (T) value.text();
        }
        if (type == Integer.class) {
            return (T) Integer.valueOf(value.intValue());
        }
        if (type == Long.class) {
            return (T) Long.valueOf(value.longValue());
        }
        if (type == Boolean.class) {
            return (T) Boolean.valueOf(value.booleanValue());
        }
        if (type == Double.class) {
            return (T) Double.valueOf(value.doubleValue());
        }
        if (type == Duration.class) {
            return (T) value.duration();
        }
        if (type == Map.class) {
            return (T) textMap(value);
        }
        if (type.isEnum()) {
            return (T) enumValue(value, type);
        }
        throw new IllegalStateException(
                "option " + option.key() + " has an unsupported type " + type);
    }

    /** A path option; relative paths resolve against the folder of the spec file. */
    public Path path(ConfigOption<String> option) {
        return node.get(option.key()).path();
    }

    /**
     * A dataset location option: a URI with a scheme ({@code s3://bucket/x}) as it is, a path
     * without one resolved against the folder of the spec file ({@link Locations#resolve}).
     */
    public org.apache.flink.core.fs.Path location(ConfigOption<String> option) {
        return Locations.resolve(node.get(option.key()));
    }

    /** An error located at the option's key (or at the declaration when the key is absent). */
    public ConfigException error(ConfigOption<?> option, String message) {
        String key =
                node.has(option.key())
                        ? node.get(option.key()).keyPath()
                        : keyPath() + "." + option.key();
        return node.error(key + ": " + message);
    }

    private static Map<String, String> textMap(ConfigNode value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : value.entries()) {
            map.put(entry.getKey(), entry.getValue().text());
        }
        return map;
    }

    private static Object enumValue(ConfigNode value, Class<?> type) {
        Object[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (int i = 0; i < constants.length; i++) {
            names[i] = constants[i].toString().toLowerCase(Locale.ROOT);
        }
        String chosen = value.choice(names);
        for (Object constant : constants) {
            if (constant.toString().toLowerCase(Locale.ROOT).equals(chosen)) {
                return constant;
            }
        }
        throw new IllegalStateException(chosen);
    }
}
