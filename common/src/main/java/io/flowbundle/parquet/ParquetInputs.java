package io.flowbundle.parquet;

import io.flowbundle.FlowbundleException;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Finds the Parquet files of a source: one file, or every {@code *.parquet} file below a folder
 * (hidden {@code .x} and {@code _x} entries skipped, as Spark and Hive do), optionally only those
 * in the Hive partition of one logical date.
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
                        "source "
                                + source
                                + ": a symbolic link below it points back up the tree at "
                                + loop.getFile()
                                + "; remove the link or point source.path below it");
            }
            throw new UncheckedIOException(
                    "cannot list " + source + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + source, e);
        }
        if (all.isEmpty()) {
            throw new FlowbundleException("source " + source + " has no Parquet files (*.parquet)");
        }
        return selectDate(
                all, p -> names(source.relativize(p)), source.toString(), datePartition, date);
    }

    /**
     * The Parquet files at {@code source} on any Flink file system: a local location as {@link
     * #list(Path, String, LocalDate)} (links followed), an object-store prefix listed recursively
     * (a LIST per folder), with the same filters and messages; a storage failure (missing bucket,
     * no answer, access denied) is one line starting with {@code where} (spec file and key).
     */
    public static List<org.apache.flink.core.fs.Path> list(
            org.apache.flink.core.fs.Path source,
            String datePartition,
            LocalDate date,
            String where) {
        if (Locations.isLocal(source)) {
            return list(Locations.toLocal(source), datePartition, date).stream()
                    .map(Locations::local)
                    .toList();
        }
        FileStatus status;
        List<FileStatus> listed;
        try {
            FileSystem fs = source.getFileSystem();
            try {
                status = fs.getFileStatus(source);
            } catch (FileNotFoundException e) {
                throw new FlowbundleException(
                        "source " + source + " does not exist (" + where + ")");
            }
            listed = status.isDir() ? FileTrees.listFiles(source) : List.of(status);
        } catch (IOException e) {
            throw new FlowbundleException(where + ": " + StorageErrors.describe(source, e), e);
        }
        if (!status.isDir()) {
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
        String root = source.toUri().getPath().replaceFirst("/*$", "/");
        List<org.apache.flink.core.fs.Path> all =
                listed.stream()
                        .map(FileStatus::getPath)
                        .filter(p -> p.getName().endsWith(".parquet"))
                        .filter(p -> !isHidden(relative(root, p)))
                        .sorted(Comparator.comparing(org.apache.flink.core.fs.Path::toString))
                        .toList();
        if (all.isEmpty()) {
            throw new FlowbundleException("source " + source + " has no Parquet files (*.parquet)");
        }
        return selectDate(all, p -> relative(root, p), source.toString(), datePartition, date);
    }

    /**
     * The files of {@code all} in the partition of {@code date} (all when null), by their folder
     * names.
     */
    private static <T> List<T> selectDate(
            List<T> all,
            Function<T, List<String>> segments,
            String source,
            String datePartition,
            LocalDate date) {
        if (date == null) {
            return all;
        }
        String wanted = datePartition + "=" + date;
        TreeSet<String> found = new TreeSet<>();
        List<T> selected =
                all.stream()
                        .filter(
                                p -> {
                                    boolean match = false;
                                    for (String name : segments.apply(p)) {
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

    private static List<String> names(Path relative) {
        List<String> names = new ArrayList<>();
        relative.forEach(segment -> names.add(segment.toString()));
        return names;
    }

    /** The folder and file names of {@code file} below the prefix {@code root} (ending in '/'). */
    private static List<String> relative(String root, org.apache.flink.core.fs.Path file) {
        String path = file.toUri().getPath();
        return List.of(
                (path.startsWith(root) ? path.substring(root.length()) : file.getName())
                        .split("/"));
    }

    private static boolean isHidden(Path relative) {
        return isHidden(names(relative));
    }

    private static boolean isHidden(List<String> names) {
        for (String name : names) {
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
