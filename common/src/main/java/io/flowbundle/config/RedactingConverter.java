package io.flowbundle.config;

import java.util.List;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * The log4j2 pattern {@code %redact{%msg%n}}: formats the inner pattern, then masks every
 * registered secret ({@link Secrets#redact}). A safety net: code should not log secrets in the
 * first place, but a client library that prints its configuration or an exception that quotes a
 * property would otherwise put a password into a log file.
 *
 * <p>The inner pattern always writes the event's exception (as a layout does at its end), so stack
 * traces are masked too and the layout does not print them a second time unmasked.
 */
@Plugin(name = "RedactingConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"redact"})
public final class RedactingConverter extends LogEventPatternConverter {

    private final List<PatternFormatter> formatters;

    private RedactingConverter(List<PatternFormatter> formatters) {
        super("redact", "redact");
        this.formatters = formatters;
    }

    /** Called by log4j with the text between the braces. */
    public static RedactingConverter newInstance(Configuration config, String[] options) {
        if (options == null || options.length != 1) {
            StatusLogger.getLogger()
                    .error("%redact needs exactly one pattern in braces, as in %redact{%msg%n}");
            return null;
        }
        List<PatternFormatter> formatters =
                PatternLayout.createPatternParser(config).parse(options[0], true, false, false);
        return new RedactingConverter(formatters);
    }

    @Override
    public void format(LogEvent event, StringBuilder toAppendTo) {
        StringBuilder inner = new StringBuilder(128);
        for (PatternFormatter formatter : formatters) {
            formatter.format(event, inner);
        }
        toAppendTo.append(Secrets.redact(inner.toString()));
    }

    @Override
    public boolean handlesThrowable() {
        return true;
    }
}
