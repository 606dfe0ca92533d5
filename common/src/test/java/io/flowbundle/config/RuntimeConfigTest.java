package io.flowbundle.config;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.ConfFixture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

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
        assertThat(config.lineageNode()).get().extracting(n -> n.text("namespace")).isEqualTo("flowbundle");
        assertThat(config.auditLog()).isEqualTo(RuntimeConfig.defaults().auditLog());
    }

    @Test
    void typoInTopLevelKeyIsCaught() {
        ConfFixture conf = ConfFixture.copyTo(dir);
        Path file = ConfFixture.edit(conf.runtimeConfig(), "audit:\n", "audti:\n");

        expectConfigError(
                () -> RuntimeConfig.load(file), file, "unknown key 'audti'", "(did you mean 'audit'?)");
    }

    @Test
    void explicitFileWins() {
        ConfFixture conf = ConfFixture.copyTo(dir);

        assertThat(RuntimeConfig.resolve(conf.runtimeConfig()).file()).isEqualTo(conf.runtimeConfig());
    }
}
