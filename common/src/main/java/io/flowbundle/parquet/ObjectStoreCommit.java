package io.flowbundle.parquet;

import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The commit of one dataset on object storage, where there is no rename of a folder (S3A's is a
 * copy of every object, then a delete) and only a single object's PUT or copy is atomic.
 *
 * <p>For each partition the run owns: every file the run wrote is moved from the staging prefix
 * into the partition under its own name (which carries the run's short id, so it never overwrites
 * another run's file; on S3 a move is a server-side copy plus a delete), then every other file of
 * the partition is deleted; a partition the run owns but wrote nothing into is emptied. Last, the
 * staging prefix is deleted. Each step checks what is already done (a file already in place is not
 * moved again), so applying the same {@link RunCommit.StagedObjects} again after a crash at any
 * point ends in the same state. What a reader sees meanwhile is in docs/ARCHITECTURE.md ("Object
 * storage"): old and new files of a partition side by side until the deletes are done.
 */
final class ObjectStoreCommit {

    private ObjectStoreCommit() {}

    /** What the run wrote below {@code staged}: file names by partition (depth folders down). */
    static Map<String, Set<String>> written(Path staged, int partitionDepth) throws IOException {
        String root = prefix(staged);
        Map<String, Set<String>> out = new TreeMap<>();
        for (FileStatus file : FileTrees.listFiles(staged)) {
            String relative = relative(root, file.getPath());
            String[] names = relative.split("/");
            if (names.length != partitionDepth + 1 || hidden(names)) {
                continue;
            }
            int slash = relative.lastIndexOf('/');
            String partition = slash < 0 ? "" : relative.substring(0, slash);
            out.computeIfAbsent(partition, p -> new TreeSet<>()).add(names[names.length - 1]);
        }
        return out;
    }

    /** Parquet files and their bytes below {@code root}. */
    static long[] sizeOf(Path root) throws IOException {
        long[] size = new long[2];
        for (FileStatus file : FileTrees.listFiles(root)) {
            if (file.getPath().getName().endsWith(".parquet")) {
                size[0]++;
                size[1] += file.getLen();
            }
        }
        return size;
    }

    /** Moves the run's files in and the older ones out, partition by partition; safe to repeat. */
    static PartitionCommitter.Result apply(RunCommit.StagedObjects dataset) {
        Path target = new Path(dataset.target());
        Path staged = new Path(dataset.staged());
        List<String> replaced = new ArrayList<>();
        try {
            FileSystem fs = target.getFileSystem();
            TreeSet<String> owned = new TreeSet<>(dataset.names().keySet());
            owned.addAll(dataset.owned());
            for (String partition : owned) {
                Path current = partition.isEmpty() ? target : new Path(target, partition);
                Path incoming = partition.isEmpty() ? staged : new Path(staged, partition);
                Set<String> names = dataset.names().getOrDefault(partition, Set.of());
                for (String name : names) {
                    Path to = new Path(current, name);
                    if (!fs.exists(to) && !fs.rename(new Path(incoming, name), to)) {
                        throw new IOException(
                                "cannot move " + new Path(incoming, name) + " to " + to);
                    }
                }
                if (deleteOthers(fs, current, names)) {
                    replaced.add(partition);
                }
            }
            FileTrees.deleteRecursively(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "committing " + target + " failed: " + StorageErrors.describe(target, e), e);
        }
        return new PartitionCommitter.Result(
                List.copyOf(dataset.names().keySet()), replaced, dataset.files(), dataset.bytes());
    }

    /**
     * Deletes the files of {@code partition} not named in {@code keep} (hidden entries stay); true
     * if any.
     */
    private static boolean deleteOthers(FileSystem fs, Path partition, Set<String> keep)
            throws IOException {
        String root = prefix(partition);
        boolean deleted = false;
        for (FileStatus file : FileTrees.listFiles(partition)) {
            String relative = relative(root, file.getPath());
            if (!keep.contains(relative) && !hidden(relative.split("/"))) {
                fs.delete(file.getPath(), false);
                deleted = true;
            }
        }
        return deleted;
    }

    private static String prefix(Path folder) {
        return folder.toUri().getPath().replaceFirst("/*$", "/");
    }

    private static String relative(String root, Path file) {
        String path = file.toUri().getPath();
        return path.startsWith(root) ? path.substring(root.length()) : file.getName();
    }

    private static boolean hidden(String[] names) {
        for (String name : names) {
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
