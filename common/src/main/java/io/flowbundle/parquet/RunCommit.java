package io.flowbundle.parquet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit of all the datasets a bounded run wrote aside (output, quarantine, staging), driven by
 * a manifest written before the first rename. The manifest names every dataset, the partitions the
 * run writes and owns, and the run's audit records; applying it is idempotent, so a client that
 * dies anywhere in the commit leaves a manifest that the next run of the pipeline applies again
 * ({@link #recover}) to the same end state: every dataset committed, the audit appended once, the
 * manifest gone. Datasets therefore never disagree with each other or with the audit.
 *
 * <p>Each partition is swapped as {@link PartitionCommitter} does (the old one aside, the new one
 * in, by renames on the dataset's file system); a reader of one partition sees the old or the new
 * files, and between the two renames (microseconds on a local disk) no folder at all.
 */
public final class RunCommit {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommit.class);

    private RunCommit() {}

    /**
     * One dataset staged by the run: on a local disk ({@link Staged}) or on object storage ({@link
     * StagedObjects}).
     */
    public sealed interface Dataset permits Staged, StagedObjects {
        String role();

        /** The dataset's location, as the audit and the recovery warning name it. */
        String location();
    }

    /**
     * What the run wrote into {@code staged} for the dataset at {@code target}, on whichever file
     * system they are: renames on a local disk, moves of single objects on object storage.
     */
    public static Dataset stage(
            String role,
            org.apache.flink.core.fs.Path target,
            org.apache.flink.core.fs.Path staged,
            int partitionDepth,
            Set<String> alsoOwned) {
        if (Locations.isLocal(target)) {
            return Staged.of(
                    role,
                    Locations.toLocal(target),
                    Locations.toLocal(staged),
                    partitionDepth,
                    alsoOwned);
        }
        return StagedObjects.of(role, target, staged, partitionDepth, alsoOwned);
    }

    /**
     * One dataset staged by the run on a local disk.
     *
     * @param partitionDepth number of partition columns (0: the whole dataset is replaced)
     * @param written the partitions the run wrote (listed when the manifest was made)
     * @param owned partitions the run replaces even if it wrote nothing into them
     */
    public record Staged(
            @JsonProperty("role") String role,
            @JsonProperty("target") Path target,
            @JsonProperty("staged") Path staged,
            @JsonProperty("partition_depth") int partitionDepth,
            @JsonProperty("written") Set<String> written,
            @JsonProperty("owned") Set<String> owned,
            @JsonProperty("files") long files,
            @JsonProperty("bytes") long bytes)
            implements Dataset {

        public Staged {
            written = new TreeSet<>(written);
            owned = new TreeSet<>(owned);
        }

        @Override
        public String location() {
            return target.toString();
        }

        /** What the run wrote into {@code staged}, and which partitions it owns. */
        public static Staged of(
                String role, Path target, Path staged, int partitionDepth, Set<String> alsoOwned) {
            try {
                Files.createDirectories(staged);
                Set<String> written =
                        partitionDepth == 0
                                ? Set.of("")
                                : PartitionCommitter.partitions(staged, partitionDepth);
                long[] size = PartitionCommitter.sizeOf(staged);
                return new Staged(
                        role,
                        target.toAbsolutePath().normalize(),
                        staged.toAbsolutePath().normalize(),
                        partitionDepth,
                        written,
                        alsoOwned,
                        size[0],
                        size[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot list what was written to " + staged + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * One dataset staged by the run on object storage (a Flink file system other than {@code
     * file:}).
     *
     * @param target the dataset's prefix, e.g. {@code s3://lake/out/sensor-hourly}
     * @param staged the hidden staging prefix the job wrote into
     * @param names the file names the run wrote, by partition ({@code ""} for an unpartitioned
     *     dataset): the files the commit keeps, every other file of an owned partition is deleted
     * @param owned partitions the run replaces even if it wrote nothing into them
     */
    public record StagedObjects(
            @JsonProperty("role") String role,
            @JsonProperty("target") URI target,
            @JsonProperty("staged") URI staged,
            @JsonProperty("partition_depth") int partitionDepth,
            @JsonProperty("names") Map<String, Set<String>> names,
            @JsonProperty("owned") Set<String> owned,
            @JsonProperty("files") long files,
            @JsonProperty("bytes") long bytes)
            implements Dataset {

        public StagedObjects {
            TreeMap<String, Set<String>> sorted = new TreeMap<>();
            names.forEach((partition, written) -> sorted.put(partition, new TreeSet<>(written)));
            names = sorted;
            owned = new TreeSet<>(owned);
        }

        @Override
        public String location() {
            return target.toString();
        }

        /**
         * What the run wrote below {@code staged} (one recursive LIST), and which partitions it
         * owns.
         */
        public static StagedObjects of(
                String role,
                org.apache.flink.core.fs.Path target,
                org.apache.flink.core.fs.Path staged,
                int partitionDepth,
                Set<String> alsoOwned) {
            try {
                Map<String, Set<String>> names = ObjectStoreCommit.written(staged, partitionDepth);
                long[] size = ObjectStoreCommit.sizeOf(staged);
                Set<String> owned = partitionDepth == 0 ? Set.of("") : alsoOwned;
                return new StagedObjects(
                        role,
                        target.toUri(),
                        staged.toUri(),
                        partitionDepth,
                        names,
                        owned,
                        size[0],
                        size[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot list what was written to " + StorageErrors.describe(staged, e), e);
            }
        }
    }

    /**
     * Everything one run commits: its datasets (on a local disk, and on object storage) and the
     * audit records that say so.
     */
    public record Manifest(
            @JsonProperty("run_id") String runId,
            @JsonProperty("pipeline") String pipeline,
            @JsonProperty("datasets") List<Staged> datasets,
            @JsonProperty("objects") List<StagedObjects> objects,
            @JsonProperty("audit") List<AuditRecord> audit) {

        @JsonCreator
        public Manifest {
            datasets = List.copyOf(datasets);
            objects = objects == null ? List.of() : List.copyOf(objects);
            audit = List.copyOf(audit);
        }

        /** A manifest of datasets on a local disk only. */
        public Manifest(
                String runId, String pipeline, List<Staged> datasets, List<AuditRecord> audit) {
            this(runId, pipeline, datasets, List.of(), audit);
        }

        /** The manifest of {@code datasets}, wherever they are. */
        public static Manifest of(
                String runId,
                String pipeline,
                List<? extends Dataset> datasets,
                List<AuditRecord> audit) {
            List<Staged> local = new ArrayList<>();
            List<StagedObjects> objects = new ArrayList<>();
            for (Dataset dataset : datasets) {
                if (dataset instanceof Staged staged) {
                    local.add(staged);
                } else if (dataset instanceof StagedObjects staged) {
                    objects.add(staged);
                }
            }
            return new Manifest(runId, pipeline, local, objects, audit);
        }

        /** Every dataset, local ones first. */
        public List<Dataset> all() {
            List<Dataset> all = new ArrayList<>(datasets);
            all.addAll(objects);
            return all;
        }
    }

    /** A commit that an earlier run left unfinished, completed by {@link #recover}. */
    public record Recovered(String runId, List<String> targets) {}

    /** Where the commits of {@code pipeline} keep their manifest: beside its first file dataset. */
    public static Path manifestFile(Path firstTarget, String pipeline) {
        return firstTarget
                .toAbsolutePath()
                .normalize()
                .getParent()
                .resolve("." + pipeline + ".commit.json");
    }

    /**
     * As {@link #manifestFile(Path, String)}, on any Flink file system: beside an object-store
     * dataset it is an object, written whole by one PUT.
     */
    public static org.apache.flink.core.fs.Path manifestFile(
            org.apache.flink.core.fs.Path firstTarget, String pipeline) {
        if (Locations.isLocal(firstTarget)) {
            return Locations.local(manifestFile(Locations.toLocal(firstTarget), pipeline));
        }
        return new org.apache.flink.core.fs.Path(
                firstTarget.getParent(), "." + pipeline + ".commit.json");
    }

    /** As {@link #commit(Path, Manifest, AuditLog)}, with the manifest on any Flink file system. */
    public static Map<String, PartitionCommitter.Result> commit(
            org.apache.flink.core.fs.Path manifestFile, Manifest manifest, AuditLog auditLog) {
        ManifestStore store = ManifestStore.at(manifestFile);
        if (!manifest.objects().isEmpty()) {
            LOG.info(
                    "run {}: committing {} to object storage: each new file is moved into its partition"
                            + " (a server-side copy, then a delete), then the partition's older files are"
                            + " deleted; until the commit ends a reader listing a partition may see old and"
                            + " new files side by side (rows twice), never a partial file; {} exists until then",
                    manifest.runId(),
                    String.join(
                            ", ",
                            manifest.objects().stream().map(StagedObjects::location).toList()),
                    manifestFile);
        }
        store.write(manifest);
        return apply(store, manifest, auditLog);
    }

    /** As {@link #recover(Path, AuditLog)}, with the manifest on any Flink file system. */
    public static Optional<Recovered> recover(
            org.apache.flink.core.fs.Path manifestFile, AuditLog auditLog) {
        return recover(ManifestStore.at(manifestFile), auditLog);
    }

    /**
     * Writes the manifest, commits every dataset, appends the audit records and removes the
     * manifest; the results by dataset role.
     */
    public static Map<String, PartitionCommitter.Result> commit(
            Path manifestFile, Manifest manifest, AuditLog auditLog) {
        return commit(Locations.local(manifestFile), manifest, auditLog);
    }

    /**
     * Completes a commit an earlier run of the pipeline left behind (its client died after its job
     * succeeded), if there is one: the same renames, idempotently, then its audit records unless
     * the audit log already has them.
     */
    public static Optional<Recovered> recover(Path manifestFile, AuditLog auditLog) {
        return recover(Locations.local(manifestFile), auditLog);
    }

    private static Optional<Recovered> recover(ManifestStore store, AuditLog auditLog) {
        Optional<Manifest> found = store.read();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Manifest manifest = found.get();
        apply(store, manifest, auditLog);
        List<String> targets = new ArrayList<>();
        manifest.all().forEach(dataset -> targets.add(dataset.location()));
        return Optional.of(new Recovered(manifest.runId(), targets));
    }

    private static Map<String, PartitionCommitter.Result> apply(
            ManifestStore store, Manifest manifest, AuditLog auditLog) {
        Map<String, PartitionCommitter.Result> results = new LinkedHashMap<>();
        for (Staged dataset : manifest.datasets()) {
            results.put(dataset.role(), apply(dataset));
        }
        for (StagedObjects dataset : manifest.objects()) {
            results.put(dataset.role(), ObjectStoreCommit.apply(dataset));
        }
        if (!manifest.audit().isEmpty() && !audited(auditLog, manifest.runId())) {
            auditLog.append(manifest.audit());
        }
        store.delete();
        return results;
    }

    /** Whether the audit log already ends the run (its {@code run} record). */
    private static boolean audited(AuditLog auditLog, String runId) {
        return auditLog.read().stream()
                .anyMatch(r -> r.runId().equals(runId) && r.step().equals("run"));
    }

    /** The renames of one dataset; safe to repeat after a crash at any point. */
    static PartitionCommitter.Result apply(Staged dataset) {
        Path target = dataset.target();
        Path staged = dataset.staged();
        Path trash = staged.resolveSibling(staged.getFileName() + ".trash");
        List<String> replaced = new ArrayList<>();
        try {
            Files.createDirectories(target.getParent());
            if (dataset.partitionDepth() == 0) {
                if (Files.exists(staged)) {
                    // the new data is not in place yet, so whatever is at the target is the old
                    if (Files.exists(target)) {
                        rename(target, trash);
                        replaced.add("");
                    }
                    rename(staged, target);
                }
            } else {
                Files.createDirectories(target);
                TreeSet<String> owned = new TreeSet<>(dataset.written());
                owned.addAll(dataset.owned());
                for (String partition : owned) {
                    Path current = target.resolve(partition);
                    Path incoming = staged.resolve(partition);
                    boolean toMove =
                            dataset.written().contains(partition) && Files.exists(incoming);
                    boolean toEmpty = !dataset.written().contains(partition);
                    if ((toMove || toEmpty) && Files.exists(current)) {
                        Path aside = trash.resolve(partition);
                        Files.createDirectories(aside.getParent());
                        PartitionCommitter.deleteRecursively(aside);
                        rename(current, aside);
                        replaced.add(partition);
                    }
                    if (toMove) {
                        Files.createDirectories(current.getParent());
                        rename(incoming, current);
                    }
                }
            }
            PartitionCommitter.deleteRecursively(trash);
            PartitionCommitter.deleteRecursively(staged);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "committing " + target + " failed: " + e.getMessage(), e);
        }
        return new PartitionCommitter.Result(
                List.copyOf(dataset.written()), replaced, dataset.files(), dataset.bytes());
    }

    /**
     * For tests only: {@code -Dflowbundle.test.halt-after-renames=N} halts the JVM with exit code
     * 137 right after the N-th partition rename of this JVM's commits, as {@code kill -9} would at
     * that point (no finally block or shutdown hook runs). Unset, as in every real run, it does
     * nothing.
     */
    static final String HALT_AFTER_RENAMES = "flowbundle.test.halt-after-renames";

    private static final AtomicInteger RENAMES = new AtomicInteger();

    /** One atomic rename of a local commit (and the test-only halt point after it). */
    private static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        String haltAfter = System.getProperty(HALT_AFTER_RENAMES);
        if (haltAfter != null && RENAMES.incrementAndGet() == Integer.parseInt(haltAfter.trim())) {
            Runtime.getRuntime().halt(137);
        }
    }

    /**
     * Where a commit's manifest lives. On a local disk it is written to a temporary file and
     * renamed into place; on object storage it is one object, written by one PUT when its stream
     * closes (S3A uploads on close), so a reader of it never sees half a manifest either way.
     */
    private abstract static class ManifestStore {

        static ManifestStore at(org.apache.flink.core.fs.Path location) {
            return Locations.isLocal(location)
                    ? new LocalManifest(Locations.toLocal(location))
                    : new ObjectManifest(location);
        }

        abstract void write(Manifest manifest);

        abstract Optional<Manifest> read();

        abstract void delete();

        static UncheckedIOException unreadable(Object location, IOException e) {
            return new UncheckedIOException(
                    location
                            + ": the manifest of an interrupted commit cannot be read ("
                            + e.getMessage()
                            + "); inspect it and the .staging- folders beside the outputs, then delete it",
                    e);
        }
    }

    private static final class LocalManifest extends ManifestStore {
        private final Path file;

        LocalManifest(Path file) {
            this.file = file;
        }

        @Override
        void write(Manifest manifest) {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                Files.createDirectories(file.getParent());
                Files.write(
                        temporary,
                        AuditLog.json()
                                .writerWithDefaultPrettyPrinter()
                                .writeValueAsBytes(manifest));
                Files.move(
                        temporary,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot write the commit manifest " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        Optional<Manifest> read() {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                return Optional.of(AuditLog.json().readValue(file.toFile(), Manifest.class));
            } catch (IOException e) {
                throw unreadable(file, e);
            }
        }

        @Override
        void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "committed, but cannot remove " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class ObjectManifest extends ManifestStore {
        private final org.apache.flink.core.fs.Path location;

        ObjectManifest(org.apache.flink.core.fs.Path location) {
            this.location = location;
        }

        @Override
        void write(Manifest manifest) {
            try (OutputStream out =
                    location.getFileSystem().create(location, FileSystem.WriteMode.OVERWRITE)) {
                out.write(
                        AuditLog.json()
                                .writerWithDefaultPrettyPrinter()
                                .writeValueAsBytes(manifest));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot write the commit manifest " + StorageErrors.describe(location, e),
                        e);
            }
        }

        @Override
        Optional<Manifest> read() {
            FileSystem fs;
            try {
                fs = location.getFileSystem();
                if (!fs.exists(location)) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                if (StorageErrors.isMissingBucket(e)) {
                    // no bucket, so no interrupted commit in it: the run's own checks name the spec
                    // key
                    return Optional.empty();
                }
                throw new UncheckedIOException(
                        "cannot look for an interrupted commit: "
                                + StorageErrors.describe(location, e),
                        e);
            }
            try (InputStream in = fs.open(location)) {
                return Optional.of(AuditLog.json().readValue(in, Manifest.class));
            } catch (IOException e) {
                throw unreadable(location, e);
            }
        }

        @Override
        void delete() {
            try {
                location.getFileSystem().delete(location, false);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "committed, but cannot remove " + StorageErrors.describe(location, e), e);
            }
        }
    }
}
