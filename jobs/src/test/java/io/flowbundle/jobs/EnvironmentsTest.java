package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.pipeline.RunInfo;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

    @Test
    void localDefaultsApplyAndTheRunsOwnSettingsWin() {
        Configuration conf =
                Environments.configuration(
                        RunInfo.Mode.STREAMING, Map.of("taskmanager.memory.managed.size", "1g"));

        Map<String, String> settings = conf.toMap();
        assertThat(settings)
                .containsEntry("taskmanager.memory.managed.size", "1g")
                .containsEntry("taskmanager.network.compression.codec", "NONE")
                .containsEntry("security.delegation.tokens.enabled", "false");
        assertThat(conf.get(ExecutionOptions.RUNTIME_MODE))
                .isEqualTo(RuntimeExecutionMode.STREAMING);
        assertThat(conf.get(PipelineOptions.OBJECT_REUSE)).isTrue();
    }

    @Test
    void boundedRunsAreBatchJobs() {
        assertThat(
                        Environments.configuration(RunInfo.Mode.BATCH, Map.of())
                                .get(ExecutionOptions.RUNTIME_MODE))
                .isEqualTo(RuntimeExecutionMode.BATCH);
    }
}
