package io.flowbundle.config;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.ConfFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${env:NAME}} and {@code ${file:PATH}} in any value of a loaded YAML file. */
class SecretReferencesTest {

    @TempDir Path dir;

    /** Unique per test: the registry is process-wide and other tests must not mask these. */
    private final String password = "pw-" + UUID.randomUUID();

    private final Map<String, String> environment =
            Map.of("KAFKA_PASSWORD", password, "PORT", "49152");

    private Path yaml(String text) {
        return ConfFixture.write(dir.resolve("settings/test.yaml"), text);
    }

    private ConfigNode load(Path file) {
        return ConfigNode.load(file, environment::get);
    }

    @Test
    void resolvesAnEnvironmentVariableAsTheWholeValueAndRegistersItAsSecret() {
        ConfigNode root =
                load(
                        yaml(
                                "user: flowbundle\nsecret_value: ${env:KAFKA_PASSWORD}\nport: ${env:PORT}\n"));

        assertThat(root.text("secret_value")).isEqualTo(password);
        assertThat(root.get("port").intValue()).isEqualTo(49152);
        assertThat(Secrets.redact("connecting with " + password))
                .isEqualTo("connecting with ******");
    }

    @Test
    void resolvesAReferenceEmbeddedInALongerValue() {
        ConfigNode root =
                load(
                        yaml(
                                """
                                properties:
                                  sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${env:KAFKA_PASSWORD}";'
                                """));

        assertThat(root.get("properties").text("sasl.jaas.config"))
                .endsWith("username=\"app\" password=\"" + password + "\";");
    }

    @Test
    void readsAFileRelativeToTheYamlFileTrimmed() throws Exception {
        String fromFile = "file-secret-" + UUID.randomUUID();
        Path absolute = dir.resolve("absolute.txt");
        Path file = yaml("a: ${file:kafka.password}\nb: [\"${file:" + absolute + "}\"]\n");
        Files.writeString(dir.resolve("settings/kafka.password"), "  " + fromFile + "\n");
        Files.writeString(absolute, "abs-" + fromFile);

        ConfigNode root = load(file);

        assertThat(root.text("a")).isEqualTo(fromFile);
        assertThat(root.get("b").textList()).containsExactly("abs-" + fromFile);
        assertThat(Secrets.redact("x " + fromFile + " y")).isEqualTo("x ****** y");
    }

    @Test
    void resolvesReferencesInNestedMappingsAndLists() {
        ConfigNode root =
                load(yaml("sinks:\n  - kafka:\n      properties: {x: \"${env:PORT}\"}\n"));

        assertThat(root.get("sinks").elements().get(0).get("kafka").get("properties").text("x"))
                .isEqualTo("49152");
        assertThat(root.raw().at("/sinks/0/kafka/properties/x").asText()).isEqualTo("49152");
    }

    @Test
    void doubleDollarIsALiteralReferenceStart() {
        ConfigNode root = load(yaml("sql: \"SELECT '$${env:KAFKA_PASSWORD}' AS t, 'a$b' AS u\"\n"));

        assertThat(root.text("sql")).isEqualTo("SELECT '${env:KAFKA_PASSWORD}' AS t, 'a$b' AS u");
    }

    @Test
    void aMissingVariableNamesTheFileKeyAndVariable() {
        Path file = yaml("kafka:\n  properties:\n    sasl.password: ${env:NOT_SET_ANYWHERE}\n");

        String message =
                expectConfigError(
                        () -> load(file),
                        file,
                        "kafka.properties.sasl.password",
                        "environment variable NOT_SET_ANYWHERE",
                        "is not set");
        assertThat(message).doesNotContain(password);
    }

    @Test
    void aMissingFileNamesTheKeyAndTheFile() {
        Path file = yaml("auth:\n  token: ${file:secrets/token.txt}\n");

        expectConfigError(
                () -> load(file),
                file,
                "auth.token",
                dir.resolve("settings/secrets/token.txt").toString(),
                "does not exist");
    }

    @Test
    void anUnknownOrUnclosedReferenceIsAnError() {
        Path unknown = yaml("a: ${HOME}\n");
        expectConfigError(() -> load(unknown), unknown, "a: unknown reference '${HOME}'", "$${");

        Path unclosed = yaml("a: x${env:PORT\n");
        expectConfigError(() -> load(unclosed), unclosed, "a: a reference", "is not closed");
    }

    @Test
    void anErrorThatQuotesAResolvedValueMasksIt() {
        Path file = yaml("count: ${env:KAFKA_PASSWORD}\n");

        String message = expectConfigError(() -> load(file).get("count").intValue(), file, "count");

        assertThat(message).doesNotContain(password).contains(Secrets.MASK);
    }

    @Test
    void valuesOfSensitiveKeysAreRegisteredWithoutAReference() {
        String inline = "inline-" + UUID.randomUUID();

        load(yaml("properties:\n  ssl.truststore.password: " + inline + "\n"));

        assertThat(Secrets.redact("password is " + inline)).isEqualTo("password is ******");
    }
}
