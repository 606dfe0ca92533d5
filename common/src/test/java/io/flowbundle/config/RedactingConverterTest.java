package io.flowbundle.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code %redact{...}} in the project's log configurations masks registered secrets. */
class RedactingConverterTest {

    private final String secret = "log-secret-" + UUID.randomUUID();

    @Test
    void aLoggedSecretComesOutOfTheTestConfigurationsLayoutMasked() {
        Secrets.register(secret);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Layout<?> layout = context.getConfiguration().<Appender>getAppender("console").getLayout();
        List<String> written = new CopyOnWriteArrayList<>();
        Appender capture =
                new AbstractAppender("redact-capture", null, layout, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        written.add(getLayout().toSerializable(event).toString());
                    }
                };
        capture.start();
        Logger logger = context.getLogger(RedactingConverterTest.class.getName() + ".capture");
        logger.addAppender(capture);
        logger.setAdditive(false);
        try {
            logger.error(
                    "connecting with password={}",
                    secret,
                    new IllegalStateException("rejected " + secret));
        } finally {
            logger.removeAppender(capture);
            capture.stop();
        }

        assertThat(written).hasSize(1);
        assertThat(written.get(0))
                .doesNotContain(secret)
                .contains("connecting with password=******")
                .contains("IllegalStateException: rejected ******")
                .containsOnlyOnce("IllegalStateException");
    }

    /** Paths from the module folder, where Surefire runs. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "src/test/resources/log4j2-test.properties",
                "../jobs/src/test/resources/log4j2-test.properties",
                "../launcher/src/main/resources/log4j2.properties"
            })
    void everyLogConfigurationOfTheProjectMasksSecrets(String file) throws Exception {
        Secrets.register(secret);
        Layout<?> layout = consoleLayoutOf(Path.of(file));

        String line =
                layout.toSerializable(
                                Log4jLogEvent.newBuilder()
                                        .setLoggerName("io.flowbundle.Test")
                                        .setLevel(Level.WARN)
                                        .setMessage(
                                                new SimpleMessage(
                                                        "jaas password=\"" + secret + "\";"))
                                        .build())
                        .toString();

        assertThat(line).contains("jaas password=\"******\";").doesNotContain(secret);
    }

    private static Layout<?> consoleLayoutOf(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            Configuration configuration =
                    new PropertiesConfigurationFactory()
                            .getConfiguration(
                                    new LoggerContext("redact-test"),
                                    new ConfigurationSource(in, file.toFile()));
            configuration.initialize();
            Appender console = configuration.getAppender("console");
            assertThat(console).as("console appender of " + file).isNotNull();
            return console.getLayout();
        }
    }
}
