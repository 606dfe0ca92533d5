package io.flowbundle.parquet;

import io.flowbundle.FlowbundleException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the Parquet files of a source: one file, or every {@code *.parquet} file below a folder
 * (hidden {@code .x} and {@code _x} entries skipped, as Spark and Hive do), optionally only those in
 * the Hive partition of one logical date.
 */
public final class ParquetInputs {

    private ParquetInputs() {}

    public static List<Path> list(Path source, String datePartition, LocalDate date) {
        if (!Files.exists(source)) {
            throw new FlowbundleException(
                    "source " + source + " does not exist (source.path in the pipeline spec)");
        }
        if (Files.isRegularFile(source)) {
            if (date != null) {
                throw new FlowbundleException(
                        "--date "
                                + date
                                + ": source "
                                + source
                                + " is a single file, not a folder partitioned by "
                                + datePartition
                                + "=YYYY-MM-DD; run without --date");
            }
            return List.of(source);
        }
        List<Path> all;
        // symbolic links are followed (a source that is a link to a folder, partitions linked in
        // from elsewhere), as Hadoop's local file system and DuckDB's globs do
        try (Stream<Path> walk = Files.walk(source, FileVisitOption.FOLLOW_LINKS)) {
            all =
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !isHidden(source.relativize(p)))
                            .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                            .sorted()
                            .toList();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileSystemLoopException loop) {
                throw new FlowbundleException(
                        "source " + source + ": a symbolic link below it points back up the tree at "
                                + loop.getFile() + "; remove the link or point source.path below it");
            }
            throw new UncheckedIOException("cannot list " + source + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + source, e);
        }
        if (all.isEmpty()) {
            throw new FlowbundleException("source " + source + " has no Parquet files (*.parquet)");
        }
        if (date == null) {
            return all;
        }
        String wanted = datePartition + "=" + date;
        TreeSet<String> found = new TreeSet<>();
        List<Path> selected =
                all.stream()
                        .filter(
                                p -> {
                                    boolean match = false;
                                    for (Path segment : source.relativize(p)) {
                                        String name = segment.toString();
                                        if (name.startsWith(datePartition + "=")) {
                                            found.add(name);
                                            match |= name.equals(wanted);
                                        }
                                    }
                                    return match;
                                })
                        .toList();
        if (found.isEmpty()) {
            throw new FlowbundleException(
                    "--date "
                            + date
                            + ": source "
                            + source
                            + " has no "
                            + datePartition
                            + "=YYYY-MM-DD partitions (set source.date_partition, or run without"
                            + " --date)");
        }
        if (selected.isEmpty()) {
            throw new FlowbundleException(
                    "--date "
                            + date
                            + ": no input in "
                            + source
                            + "/"
                            + wanted
                            + " (partitions present: "
                            + found.first()
                            + " .. "
                            + found.last()
                            + "); has the data landed yet?");
        }
        return selected;
    }

    private static boolean isHidden(Path relative) {
        for (Path segment : relative) {
            String name = segment.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
