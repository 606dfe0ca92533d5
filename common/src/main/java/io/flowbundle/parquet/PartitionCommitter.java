package io.flowbundle.parquet;

import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Makes a bounded run's output visible: the job writes a dataset aside (into {@link #stagingDir}),
 * and the committer swaps each partition it owns into place with two renames on the same file
 * system (old partition aside, new one in), then deletes the old one. A reader sees either the old
 * or the new partition, never a mix; rerunning a logical date replaces its partition instead of
 * adding to it. A crash between the renames leaves the old partition in the trash folder and is
 * repaired by rerunning the date.
 */
public final class PartitionCommitter {

    private PartitionCommitter() {}

    /** What a commit did. */
    public record Result(List<String> written, List<String> replaced, long files, long bytes) {}

    /** A sibling of {@code target}, hidden from readers that skip {@code .} entries. */
    public static Path stagingDir(Path target, String runId) {
        return target.toAbsolutePath()
                .getParent()
                .resolve("." + target.getFileName() + ".staging-" + runId);
    }

    /**
     * As {@link #stagingDir(Path, String)}, on any Flink file system: on object storage a hidden
     * sibling prefix of the dataset (readers skip {@code .} entries), in the same bucket, so that
     * moving a file in at commit is a server-side copy.
     */
    public static org.apache.flink.core.fs.Path stagingDir(
            org.apache.flink.core.fs.Path target, String runId) {
        if (Locations.isLocal(target)) {
            return Locations.local(stagingDir(Locations.toLocal(target), runId));
        }
        return new org.apache.flink.core.fs.Path(
                target.getParent(), "." + target.getName() + ".staging-" + runId);
    }

    /**
     * @param partitionDepth number of partition columns (0: the whole dataset is replaced)
     * @param alsoOwned partitions this run owns even if it wrote nothing into them (the logical
     *     date's partition: a rerun whose input became empty empties it)
     */
    public static Result commit(
            Path target, Path staged, int partitionDepth, Set<String> alsoOwned) {
        // one dataset alone; a run commits all of its datasets together through RunCommit
        return RunCommit.apply(
                RunCommit.Staged.of("dataset", target, staged, partitionDepth, alsoOwned));
    }

    /** A staging folder's name: {@code .<target>.staging-<run id>}. */
    private static final java.util.regex.Pattern STAGING =
            java.util.regex.Pattern.compile("^\\.(.+)\\.staging-([0-9a-f-]{36})$");

    /** A staging folder a run left behind, and whose it is. */
    public record Leftover(org.apache.flink.core.fs.Path dir, String runId) {}

    /**
     * The staging folders of any run but {@code runId} for the datasets declared at {@code folder}:
     * its hidden siblings {@code .<folder>.staging-*} and, for a dataset replaced per logical date
     * (the quarantine's {@code date=...}), the hidden {@code .*.staging-*} entries inside it. Only
     * a run that was killed or whose clean-up failed leaves one; a run holding the pipeline's lock
     * may delete them.
     */
    public static List<Leftover> leftovers(org.apache.flink.core.fs.Path declared, String runId)
            throws IOException {
        // a spec's local folder resolves to file:/.../name/ (an existing folder's URI): without
        // the trailing slash, its parent is the folder that holds its siblings
        org.apache.flink.core.fs.Path folder =
                new org.apache.flink.core.fs.Path(declared.toString());
        List<Leftover> found = new java.util.ArrayList<>();
        org.apache.flink.core.fs.FileSystem fs = folder.getFileSystem();
        String name = nameOf(folder);
        List<org.apache.flink.core.fs.Path> places = new java.util.ArrayList<>();
        if (folder.getParent() != null) {
            places.add(folder.getParent());
        }
        places.add(folder);
        for (org.apache.flink.core.fs.Path place : places) {
            if (!fs.exists(place)) {
                continue;
            }
            org.apache.flink.core.fs.FileStatus[] entries = fs.listStatus(place);
            for (org.apache.flink.core.fs.FileStatus entry :
                    entries == null ? new org.apache.flink.core.fs.FileStatus[0] : entries) {
                java.util.regex.Matcher m = STAGING.matcher(nameOf(entry.getPath()));
                boolean ours = place.equals(folder) || (m.matches() && m.group(1).equals(name));
                if (entry.isDir() && m.matches() && ours && !m.group(2).equals(runId)) {
                    found.add(new Leftover(entry.getPath(), m.group(2)));
                }
            }
        }
        return found;
    }

    /**
     * The last name of {@code path}; a local listing gives folders as {@code file:} URIs with a
     * trailing slash, whose {@link org.apache.flink.core.fs.Path#getName()} is empty.
     */
    private static String nameOf(org.apache.flink.core.fs.Path path) {
        String text = path.toUri().getPath();
        while (text.length() > 1 && text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.substring(text.lastIndexOf('/') + 1);
    }

    /** Throws away a run's staged output (after a failed run). */
    public static void abort(Path staged) {
        try {
            deleteRecursively(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #abort(Path)}, on any Flink file system. */
    public static void abort(org.apache.flink.core.fs.Path staged) {
        if (Locations.isLocal(staged)) {
            abort(Locations.toLocal(staged));
            return;
        }
        try {
            FileTrees.deleteRecursively(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(StorageErrors.describe(staged, e), e);
        }
    }

    static TreeSet<String> partitions(Path root, int depth) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root, depth)) {
            // the root relativizes to the empty path, which still has one name
            walk.filter(p -> !p.equals(root))
                    .filter(p -> root.relativize(p).getNameCount() == depth && Files.isDirectory(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(p -> out.add(root.relativize(p).toString()));
        }
        return out;
    }

    static long[] sizeOf(Path root) throws IOException {
        long[] size = new long[2];
        if (!Files.exists(root)) {
            return size;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .forEach(
                            p -> {
                                size[0]++;
                                try {
                                    size[1] += Files.size(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
        return size;
    }

    /** Deletes a folder and what is in it; symbolic links are removed, never followed. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                            throws IOException {
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
