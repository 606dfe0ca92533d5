package io.flowbundle.cli;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.FileSystems;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every run command shares: the runtime config file and Flink settings. */
final class RuntimeOptions {

    @Mixin ConfigOption config;

    @Option(
            names = {"-D"},
            paramLabel = "KEY=VALUE",
            description =
                    "A Flink option, e.g. -D parallelism.default=2 (repeatable; wins over --config).")
    Map<String, String> flink = new LinkedHashMap<>();

    @Option(
            names = {"-p", "--parallelism"},
            paramLabel = "N",
            description = "Parallelism of the job.")
    Integer parallelism;

    RuntimeConfig resolve() {
        RuntimeConfig base = config.resolve();
        Map<String, String> merged = new LinkedHashMap<>(base.flink());
        merged.putAll(flink);
        if (parallelism != null) {
            merged.put("parallelism.default", String.valueOf(parallelism));
        }
        FileSystems.initialize(
                merged); // s3:// etc. with the run's settings, before any path is touched
        return base.withFlink(Map.copyOf(merged));
    }
}
