package io.flowbundle.jobs;

import io.flowbundle.UsageException;
import io.flowbundle.config.ConfigException;
import io.flowbundle.spec.SourceSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.util.StateMigrationException;

/**
 * Where a streaming run starts, decided once before the job is built: a savepoint the user gave
 * ({@code --from-savepoint}, {@code -D execution.state-recovery.path}, {@code flink run -s}), else
 * the newest complete checkpoint or savepoint the pipeline left behind (so a run restarted after a
 * crash, e.g. by systemd or Kubernetes, carries on instead of writing its output twice), else, or
 * with {@code --from-scratch}, the source's {@code start} offsets.
 */
final class StreamRestore {

    enum Origin {
        GIVEN,
        RESUMED,
        SCRATCH
    }

    private static final String RESTORE_KEY = StateRecoveryOptions.SAVEPOINT_PATH.key();

    private final Origin origin;
    private final String path;
    private final String message;

    private StreamRestore(Origin origin, String path, String message) {
        this.origin = origin;
        this.path = path;
        this.message = message;
    }

    /**
     * Decides from the run's Flink settings (checkpoint and savepoint folders, a restore path given
     * with -D) and a restore path the cluster client was given ({@code flink run -s}, null if none)
     * and records it in {@code settings}.
     */
    static StreamRestore decide(
            Map<String, String> settings,
            String givenToClient,
            boolean fromScratch,
            SourceSpec source,
            Instant now) {
        String given = settings.getOrDefault(RESTORE_KEY, givenToClient);
        if (fromScratch) {
            if (given != null) {
                throw new UsageException(
                        "--from-scratch ignores saved state, but a restore path is also given ("
                                + RESTORE_KEY
                                + "="
                                + given
                                + "): drop one of them");
            }
            return new StreamRestore(
                    Origin.SCRATCH,
                    null,
                    "starting from scratch (--from-scratch): retained checkpoints"
                            + where(settings)
                            + " are ignored; "
                            + reprocessed(source));
        }
        if (given != null) {
            return new StreamRestore(Origin.GIVEN, given, "restoring from " + given + " as given");
        }
        String checkpoints = settings.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        String savepoints = settings.get(CheckpointingOptions.SAVEPOINT_DIRECTORY.key());
        Optional<ResumePoint> latest = RetainedCheckpoints.latest(checkpoints, savepoints);
        if (latest.isPresent()) {
            settings.put(RESTORE_KEY, latest.get().path());
            return new StreamRestore(
                    Origin.RESUMED,
                    latest.get().path(),
                    "resuming from "
                            + latest.get().describe(now)
                            + " (start over with --from-scratch)");
        }
        return new StreamRestore(
                Origin.SCRATCH,
                null,
                checkpoints == null
                        ? "no checkpoint folder known to this run (set "
                                + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                                + " to resume after a restart); "
                                + reprocessed(source)
                        : "no complete checkpoint"
                                + where(settings)
                                + " yet; "
                                + reprocessed(source));
    }

    /**
     * Where a bounded run ({@code --bounded}) starts: a savepoint the user gave, else the source's
     * {@code start} offsets. It does not resume retained checkpoints: they are for an unbounded run
     * restarted after a crash, and a Kafka source restored from one keeps the stopping offsets of
     * its saved splits (none, for an unbounded run's), so the bounded run would never end.
     */
    static StreamRestore forBounded(
            Map<String, String> settings, String givenToClient, SourceSpec source) {
        String given = settings.getOrDefault(RESTORE_KEY, givenToClient);
        if (given != null) {
            return new StreamRestore(Origin.GIVEN, given, "restoring from " + given + " as given");
        }
        return new StreamRestore(
                Origin.SCRATCH,
                null,
                "a bounded run does not resume retained checkpoints (they are for unbounded runs restarted"
                        + " after a crash); "
                        + reprocessed(source));
    }

    Origin origin() {
        return origin;
    }

    /**
     * The checkpoint or savepoint restored, or null when the run starts from the source's offsets.
     */
    String path() {
        return path;
    }

    /** One log line: what the run starts from and why. */
    String message() {
        return message;
    }

    /**
     * The error of a run that failed because its checkpoint or savepoint does not fit the job
     * (operators gone from the graph, max parallelism or state serializers changed, path missing):
     * a configuration error, since restarting the same command fails the same way. Empty for any
     * other failure, and when nothing was restored.
     */
    Optional<ConfigException> failure(Throwable failure) {
        if (path == null) {
            return Optional.empty();
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String reason = reason(t);
            if (reason != null) {
                return Optional.of(
                        new ConfigException(
                                "cannot restore "
                                        + (origin == Origin.RESUMED ? "retained state " : "")
                                        + path
                                        + ": "
                                        + reason
                                        + ". The pipeline changed in a way its saved state does not fit (SQL, dedupe,"
                                        + " parallelism limits); run again with --from-scratch to start over from the"
                                        + " source's start offsets"
                                        + (origin == Origin.GIVEN
                                                ? ", or give a savepoint that fits"
                                                : ""),
                                failure));
            }
        }
        return Optional.empty();
    }

    /** Flink's own words for a restore that cannot work, without its advice for its own CLI. */
    private static String reason(Throwable t) {
        String text = t.getMessage() == null ? "" : t.getMessage();
        if (t instanceof StateMigrationException) {
            return firstLine(text.isBlank() ? "its state serializers are incompatible" : text);
        }
        if (text.startsWith("Failed to rollback to checkpoint/savepoint")) {
            // "Failed to rollback to checkpoint/savepoint <path>. Cannot map ... program. If you
            // want ..."
            int from = text.indexOf(". ");
            String rest = from < 0 ? text : text.substring(from + 2);
            int advice = rest.indexOf(" If you want");
            rest = advice < 0 ? rest : rest.substring(0, advice);
            return firstLine(rest.endsWith(".") ? rest.substring(0, rest.length() - 1) : rest);
        }
        if (text.startsWith("Cannot find checkpoint or savepoint")) {
            return firstLine(text);
        }
        return null;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String where(Map<String, String> settings) {
        String dir = settings.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        return dir == null ? "" : " under " + dir;
    }

    /** What a start from the source's offsets reads again. */
    static String reprocessed(SourceSpec source) {
        return source.startWithoutState();
    }
}
