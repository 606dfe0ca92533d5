package io.flowbundle.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.flowbundle.FlowbundleException;
import io.flowbundle.fs.AppendOnlyLog;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only audit log: one JSON object per line; nothing is ever rewritten. On a local disk
 * one file, appended to under an exclusive file lock so concurrent runs (a backfill next to a
 * streaming job) never interleave lines; on object storage ({@code s3://...}) a prefix with one
 * object per append, read back as one log ({@link AppendOnlyLog}).
 */
public final class AuditLog {

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final AppendOnlyLog log;

    /** The log in the local file {@code file}. */
    public AuditLog(Path file) {
        this(Locations.local(file));
    }

    /** The log at {@code location}: a local file, or a prefix on object storage. */
    public AuditLog(org.apache.flink.core.fs.Path location) {
        this.log = new AppendOnlyLog(location);
    }

    /** The local file of the log ({@link #location} must be local). */
    public Path file() {
        return Locations.toLocal(log.location());
    }

    public org.apache.flink.core.fs.Path location() {
        return log.location();
    }

    /** The log as people name it: a local path, or the prefix's URI. */
    public String describe() {
        return Locations.describe(log.location());
    }

    public void append(AuditRecord record) {
        append(List.of(record));
    }

    public void append(List<AuditRecord> records) {
        StringBuilder lines = new StringBuilder();
        try {
            for (AuditRecord record : records) {
                lines.append(JSON.writeValueAsString(record)).append('\n');
            }
            log.append(lines.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit log " + failure(e), e);
        }
    }

    /** Every record in the log, oldest first; a line that does not parse is reported by number. */
    public List<AuditRecord> read() {
        List<String> lines;
        try {
            lines = log.readLines();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + failure(e), e);
        }
        List<AuditRecord> out = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(line, AuditRecord.class));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        describe() + " line " + number + ": not an audit record: " + e.getMessage(),
                        e);
            }
        }
        return out;
    }

    /**
     * On object storage, one request to the log's prefix, so that a missing bucket, a dead endpoint
     * or wrong credentials stop a run before its job in one line starting with {@code where} (the
     * config key), instead of failing its first audit append; nothing on a local disk.
     */
    public void probe(String where) {
        if (!log.objects()) {
            return;
        }
        Locations.requireFileSystem(log.location(), where);
        try {
            log.location().getFileSystem().exists(log.location());
        } catch (IOException e) {
            throw new FlowbundleException(
                    where + ": " + StorageErrors.describe(log.location(), e), e);
        }
    }

    private String failure(IOException e) {
        return log.objects() ? StorageErrors.describe(log.location(), e) : describe() + ": " + e;
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
