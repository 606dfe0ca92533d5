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

class RuntimeConfigTest {

    @TempDir Path dir;

    @Test
    void sampleConfigReadsAsWritten() {
        ConfFixture conf = ConfFixture.copyTo(dir);

        RuntimeConfig config = RuntimeConfig.load(conf.runtimeConfig());

        assertThat(config.auditLog())
                .as("audit.path resolves against conf/, not the working directory")
                .isEqualTo(dir.toAbsolutePath().resolve("out/audit/audit.jsonl"));
        assertThat(config.flink())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "parallelism.default", "2",
                                "taskmanager.memory.managed.size", "512m"));
        assertThat(config.actor()).isEqualTo(System.getProperty("user.name"));
        assertThat(config.lineageNode()).isEmpty();
        assertThat(config.file()).isEqualTo(conf.runtimeConfig());
    }

    @Test
    void aFlinkOptionMayReferenceASecretFileNextToTheConfig() throws Exception {
        String key = "s3-key-" + UUID.randomUUID();
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/s3.key"), key + "\n");
        Path file =
                ConfFixture.write(
                        dir.resolve("flowbundle.yaml"),
                        """
                        flink:
                          s3.secret-key: ${file:secrets/s3.key}
                        """);

        RuntimeConfig config = RuntimeConfig.load(file);

        assertThat(config.flink()).containsEntry("s3.secret-key", key);
        assertThat(Secrets.redactedView(config.flink()))
                .containsEntry("s3.secret-key", Secrets.MASK);
        assertThat(Secrets.redact("key " + key)).isEqualTo("key ******");
    }

    @Test
    void actorAndLineageAreTakenFromTheFile() {
        Path file =
                ConfFixture.write(
                        dir.resolve("flowbundle.yaml"),
                        """
                        actor: etl-bot
                        lineage: {namespace: flowbundle}
                        """);

        RuntimeConfig config = RuntimeConfig.load(file);

        assertThat(config.actor()).isEqualTo("etl-bot");
        assertThat(config.lineageNode())
                .get()
                .extracting(n -> n.text("namespace"))
                .isEqualTo("flowbundle");
        assertThat(config.auditLog()).isEqualTo(RuntimeConfig.defaults().auditLog());
    }

    @Test
    void typoInTopLevelKeyIsCaught() {
        ConfFixture conf = ConfFixture.copyTo(dir);
        Path file = ConfFixture.edit(conf.runtimeConfig(), "audit:\n", "audti:\n");

        expectConfigError(
                () -> RuntimeConfig.load(file),
                file,
                "unknown key 'audti'",
                "(did you mean 'audit'?)");
    }

    @Test
    void explicitFileWins() {
        ConfFixture conf = ConfFixture.copyTo(dir);

        assertThat(RuntimeConfig.resolve(conf.runtimeConfig()).file())
                .isEqualTo(conf.runtimeConfig());
    }
}
