package io.flowbundle.connector;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The reference of every connector's options (docs/CONNECTORS.md), written from the options
 * themselves so it cannot drift from the code; a test compares the file with {@link #markdown}.
 */
public final class ConnectorReference {

    private ConnectorReference() {}

    public static String markdown(Collection<ConnectorFactory> factories) {
        StringBuilder out = new StringBuilder();
        out.append("# Connectors\n\n")
                .append("<!-- Generated from the connectors' options by ConnectorReference; ")
                .append("ConnectorReferenceTest fails when it is out of date and rewrites it with ")
                .append("FLOWBUNDLE_WRITE_DOCS=1. -->\n\n")
                .append(
                        "A source, sink, quarantine or staging declaration names its connector with `type`;")
                .append(
                        " the other keys are the connector's options. Unknown keys and missing required")
                .append(
                        " keys are errors naming the file and the key. `quarantine` and `staging` may also")
                .append(" be a folder, short for `{type: parquet, path: FOLDER}`.\n");
        for (ConnectorFactory factory : factories) {
            out.append("\n## `type: ").append(factory.type()).append("`\n\n");
            out.append(factory.description()).append("\n");
            for (Role role : List.of(Role.SOURCE, Role.SINK)) {
                Optional<OptionSet> options = factory.options(role);
                if (options.isEmpty()) {
                    continue;
                }
                out.append("\n### As ")
                        .append(
                                role == Role.SOURCE
                                        ? "`source`"
                                        : "`sink`, `quarantine` or `staging`")
                        .append("\n\n| key | type | default | description |\n|---|---|---|---|\n");
                for (ConfigOption<?> option : options.get().all()) {
                    out.append("| `")
                            .append(option.key())
                            .append("` | ")
                            .append(OptionTypes.describe(option))
                            .append(" | ")
                            .append(defaultText(options.get(), option))
                            .append(" | ")
                            .append(
                                    new HtmlFormatter()
                                            .format(option.description())
                                            .replace("|", "\\|"))
                            .append(" |\n");
                }
            }
        }
        return out.toString();
    }

    private static String defaultText(OptionSet options, ConfigOption<?> option) {
        if (options.isRequired(option)) {
            return "(required)";
        }
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        String text =
                value instanceof Enum<?> constant
                        ? constant.name().toLowerCase(Locale.ROOT)
                        : String.valueOf(value);
        return text.isEmpty() || text.equals("{}") ? "(none)" : "`" + text + "`";
    }
}
