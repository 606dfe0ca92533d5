package io.flowbundle.cli;

import io.flowbundle.UsageException;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(
            names = "--out",
            required = true,
            paramLabel = "PATH",
            description = "Folder (parquet) or file (jsonl).")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "parquet",
            description = "parquet or jsonl (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--compression",
            defaultValue = "snappy",
            description =
                    "Parquet compression: snappy, zstd, gzip, none (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(
            names = "--events",
            defaultValue = "100000",
            description = "How many events (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--overwrite",
            description =
                    "Replace the date=YYYY-MM-DD partitions already in --out; without it a folder"
                            + " that has some is refused, so an old sample never mixes with a new one.")
    boolean overwrite;

    @Option(
            names = "--devices-out",
            paramLabel = "PATH",
            description =
                    "Also write the device registry of the generated device ids (devices.parquet"
                            + " in this folder; contract conf/contracts/devices.yaml).")
    Path devicesOut;

    @Mixin GeneratorOptions generator;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SensorEventGenerator.Settings settings = generator.settings(events);
        PrintWriter console = spec.commandLine().getOut();
        long started = System.nanoTime();
        SampleData.Counts counts;
        if (format.equals("jsonl")) {
            counts = SampleData.writeJsonLines(out, settings.withMalformedJson(true));
        } else if (format.equals("parquet")) {
            List<Path> existing = SampleData.partitions(out);
            if (!existing.isEmpty() && !overwrite) {
                throw new UsageException(
                        "--out "
                                + out
                                + " already holds "
                                + existing.size()
                                + " partition(s) ("
                                + existing.get(0).getFileName()
                                + (existing.size() > 1
                                        ? " .. " + existing.get(existing.size() - 1).getFileName()
                                        : "")
                                + "): new events written next to them would mix two samples; pass --overwrite"
                                + " to replace them, or choose another folder");
            }
            if (!existing.isEmpty()) {
                SampleData.deletePartitions(existing);
                console.printf("replaced %d partition(s) of %s%n", existing.size(), out);
            }
            counts = SampleData.writeParquet(out, settings, compression);
        } else {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--format: expected parquet or jsonl, got " + format);
        }
        if (devicesOut != null) {
            SampleData.writeDevices(devicesOut, settings.devices(), compression);
            console.printf(
                    "wrote %d devices to %s%n",
                    settings.devices(), devicesOut.resolve("devices.parquet"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        console.printf(
                "wrote %d events to %s in %.1f s: %s%n",
                counts.total(), out, seconds, counts.byKind());
        return 0;
    }
}
