package io.flowbundle.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * What one logger logs while a test runs, at {@code level} and above (the test log configuration
 * shows warnings only, so INFO output such as OpenLineage's console transport needs this): {@code
 * try (CapturedLogs logs = CapturedLogs.of(SomeClass.class, Level.INFO)) { ... }}.
 */
public final class CapturedLogs implements AutoCloseable {

    /** One logged message with its level. */
    public record Line(Level level, String message) {}

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousAdditive;
    private final AbstractAppender appender;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private CapturedLogs(Logger logger, Level level) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
        this.appender =
                new AbstractAppender(
                        "captured-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        lines.add(
                                new Line(
                                        event.getLevel(),
                                        event.getMessage().getFormattedMessage()));
                    }
                };
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(level);
        // captured, not printed: event JSON would flood the test output
        logger.setAdditive(false);
    }

    public static CapturedLogs of(Class<?> loggerClass, Level level) {
        return of(loggerClass.getName(), level);
    }

    /** What the logger {@code name} and the loggers below it log ({@code io.flowbundle}, ...). */
    public static CapturedLogs of(String name, Level level) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        return new CapturedLogs(context.getLogger(name), level);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
        appender.stop();
    }
}
