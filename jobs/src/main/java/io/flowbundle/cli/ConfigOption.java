package io.flowbundle.cli;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.Locations;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * The config, with Flink's file systems initialized with its {@code flink:} settings plus
     * {@code overrides} (so {@code s3://} locations can be read), and its audit location checked
     * against them.
     */
    RuntimeConfig resolveWithFileSystems(Map<String, String> overrides) {
        RuntimeConfig base = resolve();
        Map<String, String> merged = new LinkedHashMap<>(base.flink());
        merged.putAll(overrides);
        // s3:// etc. with the run's settings, before any path is touched
        FileSystems.initialize(merged);
        Locations.requireFileSystem(base.audit(), base.describe("audit.path"));
        return base.withFlink(Map.copyOf(merged));
    }
}
