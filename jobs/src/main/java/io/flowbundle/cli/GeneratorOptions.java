package io.flowbundle.cli;

import io.flowbundle.sample.SensorEventGenerator;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** The sample generator's settings as options (shared by generate and produce). */
final class GeneratorOptions {

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2026-11-01",
            description = "First UTC date (default: ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--days",
            defaultValue = "2",
            description = "Days the events span (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--devices",
            defaultValue = "20",
            description = "Number of devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--duplicates",
            defaultValue = "0.02",
            description = "Fraction of repeated events (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(
            names = "--invalid",
            defaultValue = "0.01",
            description = "Fraction of events breaking the contract (default: ${DEFAULT-VALUE}).")
    double invalid;

    @Option(
            names = "--late",
            defaultValue = "0.0",
            description =
                    "Fraction of events stamped --late-by before they arrive (default: ${DEFAULT-VALUE}).")
    double late;

    @Option(
            names = "--late-by",
            defaultValue = "3600000",
            paramLabel = "MILLIS",
            description = "How late a late event is (default: ${DEFAULT-VALUE} ms).")
    long lateBy;

    @Option(
            names = "--jitter",
            defaultValue = "5000",
            paramLabel = "MILLIS",
            description = "Max out-of-orderness of on-time events (default: ${DEFAULT-VALUE} ms).")
    long jitter;

    SensorEventGenerator.Settings settings(long events) {
        return SensorEventGenerator.Settings.defaults()
                .withEvents(events)
                .withSeed(seed)
                .withStart(start)
                .withDays(days)
                .withDevices(devices)
                .withDuplicates(duplicates)
                .withInvalid(invalid)
                .withLate(late)
                .withLateByMillis(lateBy)
                .withMaxJitterMillis(jitter);
    }
}
