package io.flowbundle.cli;

import io.flowbundle.config.RuntimeConfig;
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
        Map<String, String> overrides = new LinkedHashMap<>(flink);
        if (parallelism != null) {
            overrides.put("parallelism.default", String.valueOf(parallelism));
        }
        return config.resolveWithFileSystems(overrides);
    }
}
