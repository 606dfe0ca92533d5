package io.flowbundle.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --progress-interval}, for the commands that run a job and log its counts meanwhile. */
final class ProgressOption {

    @Option(
            names = "--progress-interval",
            converter = DurationConverter.class,
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "How often to log counts while the job runs (default: ${DEFAULT-VALUE}).")
    Duration interval;
}
