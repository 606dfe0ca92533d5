package io.flowbundle.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void sensitiveKeysByFlinksRuleKafkasCredentialSettingsAndTheirWords() {
        assertThat(Secrets.isSensitiveKey("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSensitiveKey("properties.sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSensitiveKey("ssl.key.password")).isTrue();
        assertThat(Secrets.isSensitiveKey("ssl.keystore.password")).isTrue();
        assertThat(Secrets.isSensitiveKey("ssl.truststore.password")).isTrue();
        assertThat(Secrets.isSensitiveKey("s3.secret-key")).isTrue();
        assertThat(Secrets.isSensitiveKey("OAUTH_TOKEN")).isTrue();
        assertThat(Secrets.isSensitiveKey("google.Credentials.file")).isTrue();
        assertThat(Secrets.isSensitiveKey("metrics.reporter.x.apikey")).isTrue();

        assertThat(Secrets.isSensitiveKey("bootstrap.servers")).isFalse();
        assertThat(Secrets.isSensitiveKey("sasl.mechanism")).isFalse();
        assertThat(Secrets.isSensitiveKey("ssl.truststore.location")).isFalse();
        assertThat(Secrets.isSensitiveKey(null)).isFalse();
    }

    @Test
    void redactMasksEveryEmbeddedOccurrence() {
        String secret = "s3cr3t-" + UUID.randomUUID();
        Secrets.register(secret);

        assertThat(Secrets.redact("password=\"" + secret + "\"; again " + secret))
                .isEqualTo("password=\"******\"; again ******");
        assertThat(Secrets.redact("nothing here")).isEqualTo("nothing here");
        assertThat(Secrets.redact(null)).isNull();
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        String inner = "inner-" + UUID.randomUUID();
        Secrets.register(inner);
        Secrets.register("outer-" + inner + "-tail");

        assertThat(Secrets.redact("x outer-" + inner + "-tail y")).isEqualTo("x ****** y");
    }

    @Test
    void tooShortValuesAreNotRegistered() {
        Secrets.register("on");
        Secrets.register("   ");

        assertThat(Secrets.redact("logging on")).isEqualTo("logging on");
    }

    @Test
    void redactedViewKeepsKeysAndMasksSensitiveValues() {
        String secret = "view-" + UUID.randomUUID();
        Secrets.register(secret);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", "127.0.0.1:9094");
        properties.put("sasl.jaas.config", "PlainLoginModule required password=\"abc\";");
        properties.put("ssl.key.password", "ab");
        properties.put("client.id", "app-" + secret);

        assertThat(Secrets.redactedView(properties))
                .containsExactly(
                        Map.entry("bootstrap.servers", "127.0.0.1:9094"),
                        Map.entry("sasl.jaas.config", "******"),
                        Map.entry("ssl.key.password", "******"),
                        Map.entry("client.id", "app-******"));
    }
}
