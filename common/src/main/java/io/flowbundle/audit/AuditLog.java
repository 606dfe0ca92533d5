package io.flowbundle.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The append-only audit log: one JSON object per line. Appends take an exclusive file lock so
 * concurrent runs (a backfill next to a streaming job) never interleave lines; nothing is ever
 * rewritten. Logs on one file in one JVM (a scheduler running steps in parallel) share a lock too.
 */
public final class AuditLog {

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One per file: a file lock is held by the whole JVM, so a second lock attempt from this JVM
     * throws instead of waiting; appends in one JVM wait for each other here instead.
     */
    private static final ConcurrentMap<Path, Object> APPENDING = new ConcurrentHashMap<>();

    private final Path file;
    private final Object appending;

    public AuditLog(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.appending = APPENDING.computeIfAbsent(this.file, f -> new Object());
    }

    public Path file() {
        return file;
    }

    public void append(AuditRecord record) {
        append(List.of(record));
    }

    public void append(List<AuditRecord> records) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder lines = new StringBuilder();
            for (AuditRecord record : records) {
                lines.append(JSON.writeValueAsString(record)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            synchronized (appending) {
                try (FileChannel channel =
                                FileChannel.open(
                                        file,
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit log " + file, e);
        }
    }

    /** Every record in the log, oldest first; a line that does not parse is reported by number. */
    public List<AuditRecord> read() {
        List<AuditRecord> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(line, AuditRecord.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            file + " line " + number + ": not an audit record: " + e.getMessage(),
                            e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + file, e);
        }
        return out;
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
