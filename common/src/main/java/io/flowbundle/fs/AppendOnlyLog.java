package io.flowbundle.fs;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A log of text lines that only ever grows (the audit JSONL, the lineage JSONL), on any Flink file
 * system. On a local disk it is one file, appended to under an exclusive file lock (concurrent
 * processes never interleave lines; appends from one JVM wait for each other). Object storage
 * cannot append to an object, so there the location names a prefix and every append is one new
 * object below it, {@code <location>/<UTC time>-<sequence>-<random>.jsonl}: a single PUT, so a
 * reader sees a whole append or none of it, and two writers never overwrite each other. Reading
 * lists the prefix and concatenates the objects in name order, which is the order of their appends
 * (by the writer's clock; within one JVM by a sequence), so both layouts read back as one log
 * (docs/ARCHITECTURE.md, "Logs on object storage").
 */
public final class AppendOnlyLog {

    /** Object names sort in time order: fixed-width UTC time first. */
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final AtomicLong SEQUENCE = new AtomicLong();

    static final String OBJECT_SUFFIX = ".jsonl";

    /** One per local file: a file lock is held by the whole JVM (a second attempt throws). */
    private static final ConcurrentMap<java.nio.file.Path, Object> APPENDING =
            new ConcurrentHashMap<>();

    private final Path location;

    public AppendOnlyLog(Path location) {
        this.location = location;
    }

    public Path location() {
        return location;
    }

    /** Whether the log lives on object storage (one object per append under a prefix). */
    public boolean objects() {
        return !Locations.isLocal(location);
    }

    /** Appends {@code lines} (each ending in a newline) as one unit. */
    public void append(String lines) throws IOException {
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        if (!objects()) {
            appendLocal(Locations.toLocal(location), bytes);
            return;
        }
        Path object =
                new Path(
                        location,
                        NAME_TIME.format(Instant.now())
                                + "-"
                                + String.format("%08d", SEQUENCE.incrementAndGet() % 100_000_000)
                                + "-"
                                + UUID.randomUUID().toString().substring(0, 8)
                                + OBJECT_SUFFIX);
        FileSystem fs = object.getFileSystem();
        try (FSDataOutputStream out = fs.create(object, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(bytes);
        }
    }

    /** Every line of the log, oldest first; none when it does not exist. */
    public List<String> readLines() throws IOException {
        List<String> lines = new ArrayList<>();
        if (!objects()) {
            java.nio.file.Path file = Locations.toLocal(location);
            if (Files.exists(file)) {
                try (BufferedReader reader =
                        Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    reader.lines().forEach(lines::add);
                }
            }
            return lines;
        }
        for (FileStatus object : objectsInOrder()) {
            String text;
            try {
                text = read(object.getPath());
            } catch (FileNotFoundException deletedMeanwhile) {
                continue;
            }
            new BufferedReader(new StringReader(text)).lines().forEach(lines::add);
        }
        return lines;
    }

    private List<FileStatus> objectsInOrder() throws IOException {
        return FileTrees.listFiles(location).stream()
                .filter(f -> f.getPath().getName().endsWith(OBJECT_SUFFIX))
                .filter(f -> !f.getPath().getName().startsWith("."))
                .sorted(Comparator.comparing(f -> f.getPath().getName()))
                .toList();
    }

    private static String read(Path object) throws IOException {
        try (FSDataInputStream in = object.getFileSystem().open(object)) {
            return new String(readAll(in), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static void appendLocal(java.nio.file.Path file, byte[] content) throws IOException {
        java.nio.file.Path normalized = file.toAbsolutePath().normalize();
        Files.createDirectories(normalized.getParent());
        ByteBuffer bytes = ByteBuffer.wrap(content);
        synchronized (APPENDING.computeIfAbsent(normalized, f -> new Object())) {
            try (FileChannel channel =
                            FileChannel.open(
                                    normalized,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE,
                                    StandardOpenOption.APPEND);
                    FileLock ignored = channel.lock()) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
        }
    }
}
