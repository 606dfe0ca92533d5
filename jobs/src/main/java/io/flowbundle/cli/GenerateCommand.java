package io.flowbundle.cli;

import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flowbundle generate}: deterministic sample sensor events. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Write deterministic sample sensor events.",
            "",
            "Parquet in date=YYYY-MM-DD partitions, or JSON Lines. Same seed and options, same data.",
            "",
            "Example: flowbundle generate --out data/sensor-events --events 1000000"
        })
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Folder (parquet) or file (jsonl).")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "parquet",
            description = "parquet or jsonl (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--compression", defaultValue = "snappy", description = "Parquet compression: snappy, zstd, gzip, none (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--events", defaultValue = "100000", description = "How many events (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin GeneratorOptions generator;

    @Override
    public Integer call() {
        SensorEventGenerator.Settings settings = generator.settings(events);
        long started = System.nanoTime();
        SampleData.Counts counts;
        if (format.equals("jsonl")) {
            counts = SampleData.writeJsonLines(out, settings.withMalformedJson(true));
        } else if (format.equals("parquet")) {
            counts = SampleData.writeParquet(out, settings, compression);
        } else {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--format: expected parquet or jsonl, got " + format);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                "wrote %d events to %s in %.1f s: %s%n", counts.total(), out, seconds, counts.byKind());
        return 0;
    }
}
