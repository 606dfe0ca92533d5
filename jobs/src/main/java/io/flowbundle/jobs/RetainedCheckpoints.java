package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.fs.StorageErrors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.LoggerFactory;

/**
 * Finds the newest complete checkpoint or savepoint a pipeline left behind, the way the Flink
 * Kubernetes operator's last-state upgrade does: Flink writes checkpoints as {@code
 * <execution.checkpointing.dir>/<job-id>/chk-N} and savepoints as {@code
 * <savepoint-dir>/savepoint-…}, and writes a folder's {@code _metadata} last, so a folder without
 * one was still being written (or was being deleted) and is skipped.
 *
 * <p>Newest means the latest {@code _metadata} modification time, not the highest N: checkpoint
 * numbers start again at 1 in a job started from scratch, while an older job's folder may still
 * hold a higher one.
 *
 * <p>Listing goes through Flink's {@link FileSystem}, not java.nio, so the same code reads
 * checkpoints on object storage ({@code s3://…}) once a file system plugin for it is loaded.
 */
public final class RetainedCheckpoints {

    static final String METADATA = "_metadata";

    private static final Pattern CHECKPOINT = Pattern.compile("chk-\\d+");

    private static final Pattern SAVEPOINT = Pattern.compile("savepoint-.+");

    private RetainedCheckpoints() {}

    /**
     * The newest complete checkpoint under {@code checkpointDir} (across its job-id folders) or
     * savepoint under {@code savepointDir}; either may be null. Empty when there is none, or the
     * folders do not exist yet.
     */
    public static Optional<ResumePoint> latest(String checkpointDir, String savepointDir) {
        ResumePoint newest = null;
        if (checkpointDir != null) {
            for (FileStatus job : list(checkpointDir, new Path(checkpointDir))) {
                if (job.isDir()) {
                    newest =
                            newer(
                                    newest,
                                    newestIn(
                                            checkpointDir,
                                            job.getPath(),
                                            CHECKPOINT,
                                            ResumePoint.Kind.CHECKPOINT));
                }
            }
        }
        if (savepointDir != null) {
            newest =
                    newer(
                            newest,
                            newestIn(
                                    savepointDir,
                                    new Path(savepointDir),
                                    SAVEPOINT,
                                    ResumePoint.Kind.SAVEPOINT));
        }
        return Optional.ofNullable(newest);
    }

    /**
     * Removes what job {@code jobId} retained under {@code checkpointDir} (its {@code <job-id>}
     * folder); a folder that cannot be removed is logged, not fatal: the run itself succeeded.
     */
    static void deleteJob(String checkpointDir, String jobId) {
        Path folder = new Path(new Path(checkpointDir), jobId);
        try {
            FileSystem fs = folder.getFileSystem();
            if (fs.exists(folder)) {
                fs.delete(folder, true);
            }
        } catch (IOException e) {
            LoggerFactory.getLogger(RetainedCheckpoints.class)
                    .warn(
                            "could not remove the finished job's checkpoints {}: {}",
                            folder,
                            e.toString());
        }
    }

    private static ResumePoint newestIn(
            String configured, Path folder, Pattern names, ResumePoint.Kind kind) {
        ResumePoint newest = null;
        for (FileStatus candidate : list(configured, folder)) {
            if (!candidate.isDir() || !names.matcher(candidate.getPath().getName()).matches()) {
                continue;
            }
            FileStatus metadata = metadata(configured, candidate.getPath());
            if (metadata != null) {
                newest =
                        newer(
                                newest,
                                new ResumePoint(
                                        candidate.getPath().toString(),
                                        kind,
                                        Instant.ofEpochMilli(metadata.getModificationTime())));
            }
        }
        return newest;
    }

    private static ResumePoint newer(ResumePoint a, ResumePoint b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.completed().isAfter(a.completed()) ? b : a;
    }

    private static FileStatus metadata(String configured, Path folder) {
        Path file = new Path(folder, METADATA);
        try {
            return file.getFileSystem().getFileStatus(file);
        } catch (FileNotFoundException incomplete) {
            return null;
        } catch (IOException e) {
            throw unreadable(configured, file, e);
        }
    }

    private static FileStatus[] list(String configured, Path folder) {
        try {
            FileSystem fs = folder.getFileSystem();
            if (!fs.exists(folder)) {
                return new FileStatus[0];
            }
            FileStatus[] entries = fs.listStatus(folder);
            return entries == null ? new FileStatus[0] : entries;
        } catch (FileNotFoundException deletedMeanwhile) {
            return new FileStatus[0];
        } catch (IOException e) {
            throw unreadable(configured, folder, e);
        }
    }

    private static FlowbundleException unreadable(String configured, Path path, IOException e) {
        return new FlowbundleException(
                "cannot look for retained checkpoints in "
                        + configured
                        + " ("
                        + StorageErrors.describe(path, e)
                        + "); fix access to it, or start over with --from-scratch",
                e);
    }
}
