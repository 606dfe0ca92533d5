package io.flowbundle.governance;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.connector.Role;
import io.flowbundle.contract.Contract;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.spec.PipelineSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Hive partitions of a dataset its contract's {@code retention_days} has expired, and their
 * deletion.
 *
 * <p>A partition is expired when the date in its path ({@code window_date=2026-11-01}, {@code
 * date=2026-11-01}, at any depth below other partition folders) is before {@code today -
 * retention_days}: with 30 days, on 2026-12-01 everything before 2026-11-01 goes and 2026-11-01
 * stays. Only such folders are ever deleted; files at the top of the dataset, folders that are not
 * {@code key=value}, hidden and {@code _} entries (a run's staged output) and symbolic links are
 * left alone, so a mistyped path cannot make retention delete anything but dated partitions.
 *
 * <p>On object storage ({@code s3://...}) the same partitions are found by listing the dataset's
 * prefix (a LIST per folder level) and deleted by prefix (a LIST and one multi-object DELETE per
 * 1,000 keys). There is no rename to hide a partition first: while it is deleted, a reader listing
 * it may see part of its files (docs/ARCHITECTURE.md, "Object storage").
 */
public final class Retention {

    private static final Pattern DATE_VALUE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private Retention() {}

    /**
     * A dataset a pipeline writes and the contract its rows are held to.
     *
     * @param role output (output-1, ... for further sinks), staging or quarantine, as in audit
     * @param contract null when the spec declares none for it (an output without output_contract)
     */
    public record Dataset(
            String pipeline,
            String role,
            org.apache.flink.core.fs.Path location,
            Contract contract) {

        /** The dataset as people name it: a local path, or its URI. */
        public String path() {
            return Locations.describe(location);
        }

        public Integer retentionDays() {
            return contract == null ? null : contract.retentionDays();
        }
    }

    /**
     * An expired partition.
     *
     * @param name its path below the dataset folder, e.g. {@code window_date=2026-10-01}
     */
    public record Partition(String name, LocalDate date, long files, long bytes) {}

    /**
     * The Parquet datasets of a spec: its sinks (held to the output contract), its staging layer
     * and its quarantine (both hold input rows, so the input contract's retention applies). Kafka
     * sinks have their own retention in the broker and are left out.
     */
    public static List<Dataset> datasets(PipelineSpec spec) {
        List<Dataset> out = new ArrayList<>();
        for (Role role : List.of(Role.SINK, Role.STAGING, Role.QUARANTINE)) {
            for (PipelineSpec.DeclaredSink declared : spec.declaredSinks()) {
                Optional<org.apache.flink.core.fs.Path> folder = declared.sink().retainedFolder();
                if (declared.role() != role || folder.isEmpty()) {
                    continue;
                }
                Contract contract = role == Role.SINK ? spec.outputContract() : spec.contract();
                out.add(new Dataset(spec.name(), declared.dataset(), folder.get(), contract));
            }
        }
        return out;
    }

    /** The pipeline specs ({@code *.yaml}) in a folder, sorted by name. */
    public static List<Path> specFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UsageException(
                    folder + ": no such folder of pipeline specs; name specs with --pipeline");
        }
        List<Path> specs;
        try (Stream<Path> list = Files.list(folder)) {
            specs =
                    list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        if (specs.isEmpty()) {
            throw new UsageException(
                    folder + ": no pipeline specs (*.yaml) here; name specs with --pipeline");
        }
        return specs;
    }

    /** The first date that is kept. */
    public static LocalDate cutoff(int retentionDays, LocalDate today) {
        return today.minusDays(retentionDays);
    }

    /**
     * As {@link #expired(Path, LocalDate)}, for a dataset on any Flink file system: a local one as
     * there, an object-store prefix listed through Flink's file system.
     */
    public static List<Partition> expired(org.apache.flink.core.fs.Path root, LocalDate cutoff) {
        if (Locations.isLocal(root)) {
            return expired(Locations.toLocal(root), cutoff);
        }
        List<Partition> out = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem();
            FileStatus status;
            try {
                status = fs.getFileStatus(root);
            } catch (FileNotFoundException e) {
                return List.of();
            }
            if (!status.isDir()) {
                throw new FlowbundleException(
                        root
                                + ": not a folder; retention cleans the date partitions of a dataset"
                                + " folder (check the path in the pipeline spec)");
            }
            collect(fs, root, root, cutoff, out);
        } catch (IOException e) {
            throw new FlowbundleException(StorageErrors.describe(root, e), e);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /**
     * Deletes one partition of a dataset on any Flink file system: a local one as {@link
     * #delete(Path, Partition, String)}; on object storage every object below the partition's
     * prefix (no rename first: a reader may see part of it while it goes).
     */
    public static void delete(org.apache.flink.core.fs.Path root, Partition partition, String runId)
            throws IOException {
        if (Locations.isLocal(root)) {
            delete(Locations.toLocal(root), partition, runId);
            return;
        }
        if (partition.name().contains("..")
                || partition.name().startsWith("/")
                || partition.name().isBlank()) {
            throw new FlowbundleException(
                    partition.name()
                            + ": not a partition folder inside dataset "
                            + root
                            + "; not deleted");
        }
        FileTrees.deleteRecursively(new org.apache.flink.core.fs.Path(root, partition.name()));
    }

    /**
     * The dated partitions of {@code root} before {@code cutoff}, sorted by path. A dataset that
     * does not exist (yet) has none.
     *
     * @throws FlowbundleException if {@code root} exists but is not a folder
     */
    public static List<Partition> expired(Path root, LocalDate cutoff) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        requireFolder(root);
        List<Partition> out = new ArrayList<>();
        try {
            collect(root, root, cutoff, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /**
     * Deletes one partition: first renamed to a hidden sibling (one atomic step, so readers see the
     * whole partition or none of it), then removed.
     *
     * @param runId names the hidden sibling, so a deletion interrupted half-way can be recognised
     */
    public static void delete(Path root, Partition partition, String runId) throws IOException {
        Path base = root.normalize();
        Path folder = base.resolve(partition.name()).normalize();
        if (!folder.startsWith(base)
                || folder.equals(base)
                || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                || !folder.getParent().toRealPath().startsWith(base.toRealPath())) {
            throw new FlowbundleException(
                    folder + ": not a partition folder inside dataset " + root + "; not deleted");
        }
        Path aside = folder.resolveSibling("." + folder.getFileName() + ".retention-" + runId);
        Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
        PartitionCommitter.deleteRecursively(aside);
    }

    /**
     * Refuses a dataset path that is a file (or a link to one): there are no partitions to clean.
     */
    public static void requireFolder(Path root) {
        if (!Files.isDirectory(root)) {
            throw new FlowbundleException(
                    root
                            + ": not a folder; retention cleans the date partitions of a dataset"
                            + " folder (check the path in the pipeline spec)");
        }
    }

    private static void collect(Path root, Path folder, LocalDate cutoff, List<Partition> out)
            throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(folder)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            int equals = name.indexOf('=');
            if (name.startsWith(".")
                    || name.startsWith("_")
                    || equals <= 0
                    || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            LocalDate date = date(name.substring(equals + 1));
            if (date == null) {
                collect(root, child, cutoff, out);
            } else if (date.isBefore(cutoff)) {
                long[] size = size(child);
                out.add(new Partition(root.relativize(child).toString(), date, size[0], size[1]));
            }
        }
    }

    private static void collect(
            FileSystem fs,
            org.apache.flink.core.fs.Path root,
            org.apache.flink.core.fs.Path folder,
            LocalDate cutoff,
            List<Partition> out)
            throws IOException {
        FileStatus[] listed;
        try {
            listed = fs.listStatus(folder);
        } catch (FileNotFoundException deletedMeanwhile) {
            return;
        }
        if (listed == null) {
            return;
        }
        List<FileStatus> children =
                Arrays.stream(listed)
                        .sorted(Comparator.comparing(f -> f.getPath().getName()))
                        .toList();
        String prefix = root.toString().replaceFirst("/*$", "/");
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            int equals = name.indexOf('=');
            if (name.startsWith(".") || name.startsWith("_") || equals <= 0 || !child.isDir()) {
                continue;
            }
            LocalDate date = date(name.substring(equals + 1));
            if (date == null) {
                collect(fs, root, child.getPath(), cutoff, out);
            } else if (date.isBefore(cutoff)) {
                long files = 0;
                long bytes = 0;
                for (FileStatus file : FileTrees.listFiles(child.getPath())) {
                    files++;
                    bytes += file.getLen();
                }
                String path = child.getPath().toString();
                out.add(
                        new Partition(
                                path.startsWith(prefix) ? path.substring(prefix.length()) : name,
                                date,
                                files,
                                bytes));
            }
        }
    }

    private static LocalDate date(String value) {
        if (!DATE_VALUE.matcher(value).matches()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Files and bytes below a folder, links not followed. */
    private static long[] size(Path folder) throws IOException {
        long[] size = new long[2];
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes attributes =
                        Files.readAttributes(
                                path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isDirectory()) {
                    size[0]++;
                    size[1] += attributes.size();
                }
            }
        }
        return size;
    }
}
