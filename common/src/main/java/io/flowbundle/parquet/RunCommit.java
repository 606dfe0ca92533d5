package io.flowbundle.parquet;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    private static final ObjectMapper JSON = AuditLog.json();

    private RunCommit() {}

    /**
     * One dataset staged by the run.
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
            @JsonProperty("bytes") long bytes) {

        public Staged {
            written = new TreeSet<>(written);
            owned = new TreeSet<>(owned);
        }

        /** What the run wrote into {@code staged}, and which partitions it owns. */
        public static Staged of(String role, Path target, Path staged, int partitionDepth, Set<String> alsoOwned) {
            try {
                Files.createDirectories(staged);
                Set<String> written =
                        partitionDepth == 0 ? Set.of("") : PartitionCommitter.partitions(staged, partitionDepth);
                long[] size = PartitionCommitter.sizeOf(staged);
                return new Staged(
                        role, target.toAbsolutePath().normalize(), staged.toAbsolutePath().normalize(),
                        partitionDepth, written, alsoOwned, size[0], size[1]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list what was written to " + staged + ": " + e.getMessage(), e);
            }
        }
    }

    /** Everything one run commits: its datasets and the audit records that say so. */
    public record Manifest(
            @JsonProperty("run_id") String runId,
            @JsonProperty("pipeline") String pipeline,
            @JsonProperty("datasets") List<Staged> datasets,
            @JsonProperty("audit") List<AuditRecord> audit) {

        public Manifest {
            datasets = List.copyOf(datasets);
            audit = List.copyOf(audit);
        }
    }

    /** A commit that an earlier run left unfinished, completed by {@link #recover}. */
    public record Recovered(String runId, List<String> targets) {}

    /** Where the commits of {@code pipeline} keep their manifest: beside its first file dataset. */
    public static Path manifestFile(Path firstTarget, String pipeline) {
        return firstTarget.toAbsolutePath().normalize().getParent().resolve("." + pipeline + ".commit.json");
    }

    /**
     * Writes the manifest, commits every dataset, appends the audit records and removes the
     * manifest; the results by dataset role.
     */
    public static Map<String, PartitionCommitter.Result> commit(Path manifestFile, Manifest manifest, AuditLog auditLog) {
        write(manifestFile, manifest);
        return apply(manifestFile, manifest, auditLog);
    }

    /**
     * Completes a commit an earlier run of the pipeline left behind (its client died after its job
     * succeeded), if there is one: the same renames, idempotently, then its audit records unless
     * the audit log already has them.
     */
    public static Optional<Recovered> recover(Path manifestFile, AuditLog auditLog) {
        if (!Files.exists(manifestFile)) {
            return Optional.empty();
        }
        Manifest manifest;
        try {
            manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    manifestFile + ": the manifest of an interrupted commit cannot be read (" + e.getMessage()
                            + "); inspect it and the .staging- folders beside the outputs, then delete it",
                    e);
        }
        apply(manifestFile, manifest, auditLog);
        List<String> targets = new ArrayList<>();
        manifest.datasets().forEach(dataset -> targets.add(dataset.target().toString()));
        return Optional.of(new Recovered(manifest.runId(), targets));
    }

    private static Map<String, PartitionCommitter.Result> apply(Path manifestFile, Manifest manifest, AuditLog auditLog) {
        Map<String, PartitionCommitter.Result> results = new LinkedHashMap<>();
        for (Staged dataset : manifest.datasets()) {
            results.put(dataset.role(), apply(dataset));
        }
        if (!manifest.audit().isEmpty() && !audited(auditLog, manifest.runId())) {
            auditLog.append(manifest.audit());
        }
        try {
            Files.deleteIfExists(manifestFile);
        } catch (IOException e) {
            throw new UncheckedIOException("committed, but cannot remove " + manifestFile + ": " + e.getMessage(), e);
        }
        return results;
    }

    /** Whether the audit log already ends the run (its {@code run} record). */
    private static boolean audited(AuditLog auditLog, String runId) {
        return auditLog.read().stream().anyMatch(r -> r.runId().equals(runId) && r.step().equals("run"));
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
                        Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
                        replaced.add("");
                    }
                    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                }
            } else {
                Files.createDirectories(target);
                TreeSet<String> owned = new TreeSet<>(dataset.written());
                owned.addAll(dataset.owned());
                for (String partition : owned) {
                    Path current = target.resolve(partition);
                    Path incoming = staged.resolve(partition);
                    boolean toMove = dataset.written().contains(partition) && Files.exists(incoming);
                    boolean toEmpty = !dataset.written().contains(partition);
                    if ((toMove || toEmpty) && Files.exists(current)) {
                        Path aside = trash.resolve(partition);
                        Files.createDirectories(aside.getParent());
                        PartitionCommitter.deleteRecursively(aside);
                        Files.move(current, aside, StandardCopyOption.ATOMIC_MOVE);
                        replaced.add(partition);
                    }
                    if (toMove) {
                        Files.createDirectories(current.getParent());
                        Files.move(incoming, current, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            PartitionCommitter.deleteRecursively(trash);
            PartitionCommitter.deleteRecursively(staged);
        } catch (IOException e) {
            throw new UncheckedIOException("committing " + target + " failed: " + e.getMessage(), e);
        }
        return new PartitionCommitter.Result(
                List.copyOf(dataset.written()), replaced, dataset.files(), dataset.bytes());
    }

    private static void write(Path manifestFile, Manifest manifest) {
        Path temporary = manifestFile.resolveSibling(manifestFile.getFileName() + ".tmp");
        try {
            Files.createDirectories(manifestFile.getParent());
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            Files.move(temporary, manifestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the commit manifest " + manifestFile + ": " + e.getMessage(), e);
        }
    }
}
