package io.flowbundle.cli;

import io.flowbundle.contract.ContractLoader;
import io.flowbundle.fs.Locations;
import io.flowbundle.governance.ContractCheck;
import io.flowbundle.governance.ContractDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowbundle contract check|diff}: data against a contract, and a contract against its last
 * version.
 */
@Command(
        name = "contract",
        mixinStandardHelpOptions = true,
        description =
                "Check data against a contract, or a new version of a contract against the old one.",
        subcommands = {ContractCommand.Check.class, ContractCommand.Diff.class})
final class ContractCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: check or diff");
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check a Parquet file, or every *.parquet below a folder or an",
                "object-store prefix (s3://bucket/key, S3 settings from --config or -D), against a",
                "contract: missing and mistyped columns per file, and rows breaking each",
                "rule (required, range, allowed) with a few examples; also the columns",
                "the files have that the contract does not name, and what their column",
                "_unknown holds (fields kept under unknown_fields: keep), which do not",
                "break it. Exit 0 if clean, 1 if anything breaks the contract, 2 if the",
                "contract or path is unusable.",
                "",
                "Example: flowbundle contract check conf/contracts/sensor_events.yaml \\",
                "           data/sensor-events"
            })
    static final class Check implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "CONTRACT", description = "Contract (YAML).")
        Path contract;

        @Parameters(
                index = "1",
                paramLabel = "PATH",
                description = "A Parquet file or a folder of them (or s3://bucket/prefix).")
        String path;

        @Mixin ConfigOption config;

        @Option(
                names = {"-D"},
                paramLabel = "KEY=VALUE",
                description =
                        "A Flink option, e.g. -D s3.endpoint=http://127.0.0.1:9000 (repeatable; wins"
                                + " over --config).")
        Map<String, String> flink = new LinkedHashMap<>();

        @Option(
                names = "--format",
                defaultValue = "text",
                paramLabel = "text|json",
                description = "Report format (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            config.resolveWithFileSystems(flink);
            ContractCheck.Report report =
                    ContractCheck.run(
                            ContractLoader.load(contract),
                            Locations.resolve(path, Path.of(""), "PATH"));
            PrintWriter out = spec.commandLine().getOut();
            out.print(format == OutputFormat.json ? report.json() + "\n" : report.text());
            return report.clean() ? 0 : 1;
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = {
                "Compare two versions of a contract and classify each change as compatible",
                "(old data stays valid and readable) or breaking. Exit 1 when the new",
                "version is refused: a breaking change without a higher schema_version,",
                "or a lower schema_version.",
                "",
                "Example: flowbundle contract diff old/sensor_events.yaml \\",
                "           conf/contracts/sensor_events.yaml"
            })
    static final class Diff implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "OLD", description = "The contract as it was (YAML).")
        Path before;

        @Parameters(
                index = "1",
                paramLabel = "NEW",
                description = "The contract as proposed (YAML).")
        Path after;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            ContractDiff diff =
                    ContractDiff.compare(ContractLoader.load(before), ContractLoader.load(after));
            spec.commandLine().getOut().print(diff.text());
            Optional<String> refusal = diff.refusal();
            if (refusal.isPresent()) {
                spec.commandLine().getErr().println("error: " + refusal.get());
                return 1;
            }
            return 0;
        }
    }
}
