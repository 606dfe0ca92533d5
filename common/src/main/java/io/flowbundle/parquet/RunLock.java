package io.flowbundle.parquet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline at a time: a lock file {@code .<pipeline>.lock} beside the commit's
 * manifest, created atomically (on a local disk {@link Files#createFile}, which fails if it exists;
 * on object storage a create without overwrite, which is a check then a PUT and so only narrows the
 * race) and holding the run id, pid and host of its holder. A second run refuses in one line naming
 * the holder, unless the holder's pid no longer runs on this host (a run killed before it could
 * remove it): then it takes the lock over and says so.
 */
public final class RunLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private static final int ATTEMPTS = 3;

    /** What a lock file holds. */
    public record Holder(
            @JsonProperty("run_id") String runId,
            @JsonProperty("pid") long pid,
            @JsonProperty("host") String host,
            @JsonProperty("since") String since) {

        static Holder current(String runId) {
            return new Holder(
                    runId, ProcessHandle.current().pid(), thisHost(), Instant.now().toString());
        }
    }

    private final Path file;
    private final Holder holder;

    private RunLock(Path file, Holder holder) {
        this.file = file;
        this.holder = holder;
    }

    /** Where the runs of {@code pipeline} keep their lock: beside the manifest. */
    public static Path lockFile(Path manifestFile, String pipeline) {
        return new Path(manifestFile.getParent(), "." + pipeline + ".lock");
    }

    /**
     * Takes the lock for {@code runId}, or fails in one line naming the run that holds it.
     *
     * @throws FlowbundleException when another live run holds it
     */
    public static RunLock acquire(Path file, String pipeline, String runId) {
        Holder mine = Holder.current(runId);
        String name =
                Locations.isLocal(file) ? Locations.toLocal(file).toString() : file.toString();
        for (int attempt = 1; ; attempt++) {
            if (create(file, mine)) {
                return new RunLock(file, mine);
            }
            Optional<Holder> other = read(file);
            if (other.isEmpty()) {
                if (attempt < ATTEMPTS) {
                    continue; // removed meanwhile, or being written: look again
                }
                throw new FlowbundleException(
                        "another run of "
                                + pipeline
                                + " holds the lock "
                                + name
                                + " (it is empty or unreadable); wait for it to end, or if no run of "
                                + pipeline
                                + " is going, delete "
                                + name);
            }
            Holder held = other.get();
            if (!stale(held) || attempt >= ATTEMPTS) {
                throw new FlowbundleException(
                        "run "
                                + held.runId()
                                + " of "
                                + pipeline
                                + " is running (pid "
                                + held.pid()
                                + " on "
                                + held.host()
                                + ", since "
                                + held.since()
                                + ") and holds the lock "
                                + name
                                + "; wait for it to end, or if it is not running, delete "
                                + name);
            }
            LOG.warn(
                    "taking over the lock {} of run {} of {}: its pid {} no longer runs on {}"
                            + " (the run was killed)",
                    name,
                    held.runId(),
                    pipeline,
                    held.pid(),
                    held.host());
            delete(file);
        }
    }

    /** The run that holds the lock. */
    public Holder holder() {
        return holder;
    }

    /** Removes the lock, if it is still this run's. */
    @Override
    public void close() {
        Optional<Holder> now = read(file);
        if (now.isPresent() && now.get().runId().equals(holder.runId())) {
            delete(file);
        }
    }

    /** A holder on this host whose process is gone. */
    static boolean stale(Holder held) {
        return held.host().equals(thisHost())
                && ProcessHandle.of(held.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static boolean create(Path file, Holder mine) {
        try {
            byte[] content = AuditLog.json().writeValueAsBytes(mine);
            if (Locations.isLocal(file)) {
                java.nio.file.Path local = Locations.toLocal(file);
                Files.createDirectories(local.getParent());
                Files.createFile(local);
                Files.write(local, content);
                return true;
            }
            FileSystem fs = file.getFileSystem();
            if (fs.exists(file)) {
                return false;
            }
            try (OutputStream out = fs.create(file, FileSystem.WriteMode.NO_OVERWRITE)) {
                out.write(content);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the run lock " + StorageErrors.describe(file, e), e);
        }
    }

    private static Optional<Holder> read(Path file) {
        try {
            FileSystem fs = file.getFileSystem();
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(file)) {
                byte[] bytes = in.readAllBytes();
                return bytes.length == 0
                        ? Optional.empty()
                        : Optional.of(AuditLog.json().readValue(bytes, Holder.class));
            }
        } catch (IOException e) {
            // gone meanwhile, or half written: as no holder known
            return Optional.empty();
        }
    }

    private static void delete(Path file) {
        try {
            file.getFileSystem().delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot remove the run lock " + StorageErrors.describe(file, e), e);
        }
    }

    /**
     * This host's name, without a name lookup (InetAddress.getLocalHost may ask DNS and wait on a
     * host whose name does not resolve): the kernel's host name, else HOSTNAME, else localhost.
     */
    private static String thisHost() {
        try {
            String kernel =
                    java.nio.file.Files.readString(
                                    java.nio.file.Path.of("/proc/sys/kernel/hostname"))
                            .strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env;
    }
}
