package io.flowbundle.sample;

import io.flowbundle.parquet.ParquetFormats;
import io.flowbundle.parquet.PartitionCommitter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.local.LocalDataOutputStream;
import org.apache.flink.table.data.RowData;

/** Writes generated sensor events as Hive-partitioned Parquet or as JSON Lines. */
public final class SampleData {

    private SampleData() {}

    /** How many events of each kind were written. */
    public record Counts(Map<SensorEventGenerator.Kind, Long> byKind, long total) {
        public long of(SensorEventGenerator.Kind kind) {
            return byKind.getOrDefault(kind, 0L);
        }
    }

    /**
     * Writes {@code dir/date=YYYY-MM-DD/part-00000.parquet}, one file per UTC date of the events'
     * timestamps. Malformed JSON is not representable in Parquet and is never generated here.
     */
    public static Counts writeParquet(
            Path dir, SensorEventGenerator.Settings settings, String compression) {
        SensorEventGenerator generator =
                new SensorEventGenerator(settings.withMalformedJson(false), false);
        BulkWriter.Factory<RowData> factory =
                ParquetFormats.writerFactory(SensorEventGenerator.ROW_TYPE, compression);
        Map<LocalDate, BulkWriter<RowData>> writers = new TreeMap<>();
        Map<LocalDate, LocalDataOutputStream> streams = new TreeMap<>();
        Map<SensorEventGenerator.Kind, Long> counts =
                new EnumMap<>(SensorEventGenerator.Kind.class);
        long total = 0;
        try {
            while (generator.hasNext()) {
                SensorEventGenerator.Event event = generator.next();
                LocalDate date = SensorEventGenerator.dateOf(event.timestampMillis());
                BulkWriter<RowData> writer = writers.get(date);
                if (writer == null) {
                    Path partition = dir.resolve("date=" + date);
                    Files.createDirectories(partition);
                    LocalDataOutputStream out =
                            new LocalDataOutputStream(
                                    partition.resolve("part-00000.parquet").toFile());
                    streams.put(date, out);
                    writer = factory.create(out);
                    writers.put(date, writer);
                }
                writer.addElement(event.row());
                counts.merge(event.kind(), 1L, Long::sum);
                total++;
            }
            for (Map.Entry<LocalDate, BulkWriter<RowData>> entry : writers.entrySet()) {
                entry.getValue().finish();
                streams.get(entry.getKey()).close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sample Parquet under " + dir, e);
        }
        return new Counts(counts, total);
    }

    /**
     * Writes the device registry of {@code devices} devices ({@link DeviceRegistry}) as {@code
     * dir/devices.parquet}, replacing that file if it is there.
     */
    public static void writeDevices(Path dir, int devices, String compression) {
        BulkWriter.Factory<RowData> factory =
                ParquetFormats.writerFactory(DeviceRegistry.ROW_TYPE, compression);
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("devices.parquet");
            Files.deleteIfExists(file);
            try (LocalDataOutputStream out = new LocalDataOutputStream(file.toFile())) {
                BulkWriter<RowData> writer = factory.create(out);
                for (RowData row : DeviceRegistry.rows(devices)) {
                    writer.addElement(row);
                }
                writer.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the device registry under " + dir, e);
        }
    }

    /**
     * The {@code date=YYYY-MM-DD} partition folders directly below {@code dir}, in order (none if
     * {@code dir} does not exist): what {@link #writeParquet} writes, and would mix with.
     */
    public static List<Path> partitions(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .filter(entry -> entry.getFileName().toString().startsWith("date="))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Deletes partition folders (as {@link #partitions} lists them) with everything in them. */
    public static void deletePartitions(List<Path> partitions) {
        for (Path partition : partitions) {
            try {
                PartitionCommitter.deleteRecursively(partition);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + partition, e);
            }
        }
    }

    /** Writes one JSON event per line, including malformed lines if the settings ask for them. */
    public static Counts writeJsonLines(Path file, SensorEventGenerator.Settings settings) {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        Map<SensorEventGenerator.Kind, Long> counts =
                new EnumMap<>(SensorEventGenerator.Kind.class);
        long total = 0;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (OutputStream out =
                    new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                while (generator.hasNext()) {
                    SensorEventGenerator.Event event = generator.next();
                    out.write(event.json());
                    out.write('\n');
                    counts.merge(event.kind(), 1L, Long::sum);
                    total++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new Counts(counts, total);
    }
}
