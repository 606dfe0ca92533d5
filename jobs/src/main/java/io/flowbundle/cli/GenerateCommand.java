package io.flowbundle.cli;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
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
            "Example: flowbundle generate --out data/sensor-events --events 1000000",
            "",
            "--out may be an object-store URI (s3://bucket/prefix): the files are written locally,"
                    + " then uploaded with the Flink S3 settings of --config and -D (under flink run,"
                    + " the cluster's)."
        })
final class GenerateCommand implements Callable<Integer> {

    @Option(
            names = "--out",
            required = true,
            paramLabel = "PATH",
            description = "Folder (parquet) or file (jsonl), local or s3://bucket/prefix.")
    String out;

    @Mixin ConfigOption config;

    @Option(
            names = {"-D"},
            paramLabel = "KEY=VALUE",
            description =
                    "A Flink option for object storage, e.g. -D s3.endpoint=http://127.0.0.1:9000"
                            + " (repeatable; wins over --config).")
    Map<String, String> flink = new LinkedHashMap<>();

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
        if (!format.equals("jsonl") && !format.equals("parquet")) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--format: expected parquet or jsonl, got " + format);
        }
        org.apache.flink.core.fs.Path location = location();
        SampleData.Counts counts;
        if (Locations.isLocal(location)) {
            counts = write(Locations.toLocal(location), settings, console);
        } else {
            counts = writeRemote(location, settings, console);
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
                counts.total(), Locations.describe(location), seconds, counts.byKind());
        return 0;
    }

    /** --out as a location; an object store's file system is set up first. */
    private org.apache.flink.core.fs.Path location() {
        if (out.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") && !out.startsWith("file:")) {
            Map<String, String> settings = new LinkedHashMap<>(config.resolve().flink());
            settings.putAll(flink);
            FileSystems.initialize(settings);
        }
        return Locations.resolve(out, Path.of("").toAbsolutePath(), "--out");
    }

    private SampleData.Counts write(
            Path target, SensorEventGenerator.Settings settings, PrintWriter console) {
        if (format.equals("jsonl")) {
            return SampleData.writeJsonLines(target, settings.withMalformedJson(true));
        }
        List<Path> existing = SampleData.partitions(target);
        if (!existing.isEmpty()) {
            refuseOrReplace(
                    existing.size(),
                    existing.get(0).getFileName().toString(),
                    existing.get(existing.size() - 1).getFileName().toString());
            SampleData.deletePartitions(existing);
            console.printf("replaced %d partition(s) of %s%n", existing.size(), target);
        }
        return SampleData.writeParquet(target, settings, compression);
    }

    /** Writes into a local temporary folder, then uploads its files under {@code target}. */
    private SampleData.Counts writeRemote(
            org.apache.flink.core.fs.Path target,
            SensorEventGenerator.Settings settings,
            PrintWriter console) {
        Path temp = null;
        try {
            FileSystem fs = target.getFileSystem();
            temp = Files.createTempDirectory("flowbundle-generate-");
            if (format.equals("jsonl")) {
                Path file = temp.resolve("events.jsonl");
                SampleData.Counts counts =
                        SampleData.writeJsonLines(file, settings.withMalformedJson(true));
                upload(fs, file, target);
                return counts;
            }
            List<org.apache.flink.core.fs.Path> existing = remotePartitions(fs, target);
            if (!existing.isEmpty()) {
                refuseOrReplace(
                        existing.size(),
                        existing.get(0).getName(),
                        existing.get(existing.size() - 1).getName());
                for (org.apache.flink.core.fs.Path partition : existing) {
                    FileTrees.deleteRecursively(partition);
                }
                console.printf("replaced %d partition(s) of %s%n", existing.size(), target);
            }
            Path local = temp.resolve("events");
            SampleData.Counts counts = SampleData.writeParquet(local, settings, compression);
            try (Stream<Path> files = Files.walk(local)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    upload(
                            fs,
                            file,
                            new org.apache.flink.core.fs.Path(
                                    target, local.relativize(file).toString()));
                }
            }
            return counts;
        } catch (IOException e) {
            throw new FlowbundleException("--out " + StorageErrors.describe(target, e), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private void refuseOrReplace(int count, String first, String last) {
        if (!overwrite) {
            throw new UsageException(
                    "--out "
                            + out
                            + " already holds "
                            + count
                            + " partition(s) ("
                            + first
                            + (count > 1 ? " .. " + last : "")
                            + "): new events written next to them would mix two samples; pass --overwrite"
                            + " to replace them, or choose another folder");
        }
    }

    private static List<org.apache.flink.core.fs.Path> remotePartitions(
            FileSystem fs, org.apache.flink.core.fs.Path target) throws IOException {
        List<org.apache.flink.core.fs.Path> partitions = new ArrayList<>();
        FileStatus[] entries;
        try {
            entries = fs.listStatus(target);
        } catch (FileNotFoundException e) {
            return partitions;
        }
        if (entries == null) {
            return partitions;
        }
        for (FileStatus entry : entries) {
            if (entry.isDir() && entry.getPath().getName().startsWith("date=")) {
                partitions.add(entry.getPath());
            }
        }
        partitions.sort(Comparator.comparing(org.apache.flink.core.fs.Path::getName));
        return partitions;
    }

    private static void upload(FileSystem fs, Path file, org.apache.flink.core.fs.Path target)
            throws IOException {
        try (FSDataOutputStream stream = fs.create(target, FileSystem.WriteMode.OVERWRITE)) {
            Files.copy(file, stream);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder; the OS cleans it up eventually
        }
    }
}
