package io.flowbundle.connector;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;

/**
 * The value type of a Flink {@link ConfigOption}. Flink keeps it package-private (its own
 * documentation generator reads it the same way), so it is read reflectively, once per lookup.
 */
public final class OptionTypes {

    private static final Method TYPE = method("getClazz");
    private static final Method IS_LIST = method("isList");

    private OptionTypes() {}

    public static Class<?> type(ConfigOption<?> option) {
        return (Class<?>) invoke(TYPE, option);
    }

    public static boolean isList(ConfigOption<?> option) {
        return (Boolean) invoke(IS_LIST, option);
    }

    /** The type as the connector reference names it: {@code string}, {@code list of string}, ... */
    public static String describe(ConfigOption<?> option) {
        Class<?> type = type(option);
        String name;
        if (type.isEnum()) {
            name =
                    Arrays.stream(type.getEnumConstants())
                            .map(constant -> constant.toString().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(" \\| "));
        } else if (type == Map.class) {
            name = "map of string";
        } else if (type == Duration.class) {
            name = "duration";
        } else {
            name = type.getSimpleName().toLowerCase(Locale.ROOT);
        }
        return isList(option) ? "list of " + name : name;
    }

    private static Method method(String name) {
        try {
            Method method = ConfigOption.class.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's ConfigOption has no " + name + "()", e);
        }
    }

    private static Object invoke(Method method, ConfigOption<?> option) {
        try {
            return method.invoke(option);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the type of option " + option.key(), e);
        }
    }
}
