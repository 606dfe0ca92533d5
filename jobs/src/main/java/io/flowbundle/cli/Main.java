package io.flowbundle.cli;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The flowbundle command line. Each subcommand parses its options and wires real sources and sinks
 * into the job classes; the logic lives in those classes.
 *
 * <p>Exit codes: 0 success, 1 the run failed, 2 bad usage or configuration.
 */
@Command(
        name = "flowbundle",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "One Flink pipeline definition, run as a bounded batch job over Parquet or as a",
            "streaming job over Kafka, with contracts, audit and lineage built in.",
            ""
        },
        subcommands = {
            BatchCommand.class,
            StreamCommand.class,
            GenerateCommand.class,
            ProduceCommand.class,
            RunScheduleCommand.class,
            RunsCommand.class,
            ContractCommand.class,
            RetentionCommand.class,
            AuditCommand.class,
            LineageCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /**
     * Runs a command line with its output and errors going to the given writers (null: standard out
     * and err), and returns its exit code. Only commands that print through picocli's writers
     * (contract, retention, audit) are captured.
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        if (out != null) {
            commandLine.setOut(out);
        }
        if (err != null) {
            commandLine.setErr(err);
        }
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    boolean verbose = Boolean.getBoolean("flowbundle.verbose");
                    if (e instanceof io.flowbundle.config.ConfigException
                            || e instanceof UsageException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    if (e instanceof FlowbundleException && !verbose) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 1;
                    }
                    e.printStackTrace(cmd.getErr());
                    return 1;
                });
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "flowbundle " + (version == null ? "dev" : version),
                "Flink " + org.apache.flink.runtime.util.EnvironmentInformation.getVersion(),
                "Java " + System.getProperty("java.version")
            };
        }
    }
}
