package io.flowbundle.cli;

import io.flowbundle.config.RuntimeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config}: the runtime config, for commands that read what runs wrote but run nothing. */
final class ConfigOption {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Runtime config (audit log, actor, Flink settings, lineage). Default:"
                            + " $FLOWBUNDLE_CONFIG, else conf/flowbundle.yaml if present.")
    Path config;

    RuntimeConfig resolve() {
        return RuntimeConfig.resolve(config);
    }
}
