package io.flowbundle.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A text file one writer fills line by line (a schedule run's log), on any Flink file system. On a
 * local disk each line is appended. Object storage cannot append, so there the object is written
 * again, whole, with every line so far after each line: one PUT, which replaces the object
 * atomically, so a reader sees the log as it was after some line, never half a line. That costs a
 * request per line and the log's size each time, which suits a log of tens of lines per run; a log
 * that grows without end belongs in an {@link AppendOnlyLog}.
 */
public final class LineFile {

    private final Path location;
    private final StringBuilder written = new StringBuilder();

    public LineFile(Path location) {
        this.location = location;
    }

    public Path location() {
        return location;
    }

    /** Adds {@code line} (without its newline). */
    public synchronized void append(String line) throws IOException {
        written.append(line).append('\n');
        if (Locations.isLocal(location)) {
            java.nio.file.Path file = Locations.toLocal(location);
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return;
        }
        FileSystem fs = location.getFileSystem();
        try (FSDataOutputStream out = fs.create(location, FileSystem.WriteMode.OVERWRITE)) {
            out.write(written.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
