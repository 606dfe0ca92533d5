package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.UsageException;
import io.flowbundle.config.ConfigException;
import io.flowbundle.connector.kafka.KafkaConnector;
import io.flowbundle.connector.kafka.KafkaSourceSpec;
import io.flowbundle.spec.SourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the checkpoint a restarted streaming run resumes from, and what it says when it cannot.
 */
class RetainedCheckpointsTest {

    private static final String JOB_A = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String JOB_B = "aa11bb22cc33dd44ee55ff6600771188";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final SourceSpec KAFKA =
            new KafkaSourceSpec(
                    "sensors",
                    "127.0.0.1:9092",
                    "g-sensors",
                    KafkaConnector.Start.EARLIEST,
                    Map.of());

    @Test
    void theNewestCompleteCheckpointAcrossJobsWinsAndIncompleteOnesAreSkipped(@TempDir Path dir)
            throws IOException {
        checkpoint(dir, JOB_A, 40, T0);
        // job B restored job A's chk-40 and went on; its chk-43 has no _metadata yet (still being
        // written)
        checkpoint(dir, JOB_B, 42, T0.plusSeconds(60));
        incomplete(dir, JOB_B, 43);
        Files.createDirectories(dir.resolve(JOB_B).resolve("shared"));
        Files.createDirectories(dir.resolve(JOB_B).resolve("taskowned"));

        Optional<ResumePoint> latest = RetainedCheckpoints.latest(dir.toUri().toString(), null);

        assertThat(latest)
                .map(ResumePoint::path)
                .contains(uri(dir.resolve(JOB_B).resolve("chk-42")));
        assertThat(latest).map(ResumePoint::kind).contains(ResumePoint.Kind.CHECKPOINT);
        assertThat(latest).map(ResumePoint::completed).contains(T0.plusSeconds(60));
    }

    @Test
    void newestMeansLastCompletedNotHighestNumber(@TempDir Path dir) throws IOException {
        // an old job's chk-40 and a newer job, started from scratch, at chk-2
        checkpoint(dir, JOB_A, 40, T0);
        checkpoint(dir, JOB_B, 2, T0.plusSeconds(5));

        assertThat(RetainedCheckpoints.latest(dir.toString(), null))
                .map(ResumePoint::path)
                .contains(uri(dir.resolve(JOB_B).resolve("chk-2")));
    }

    @Test
    void aSavepointNewerThanEveryCheckpointWins(@TempDir Path dir) throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        Path savepoints = dir.resolve("savepoints");
        checkpoint(checkpoints, JOB_A, 7, T0);
        complete(savepoints.resolve("savepoint-0f1e2d-1a2b3c4d5e6f"), T0.plusSeconds(30));
        incomplete(savepoints.resolve("savepoint-0f1e2d-ffffffffffff"));

        assertThat(RetainedCheckpoints.latest(checkpoints.toString(), savepoints.toString()))
                .hasValueSatisfying(
                        point -> {
                            assertThat(point.kind()).isEqualTo(ResumePoint.Kind.SAVEPOINT);
                            assertThat(point.path())
                                    .isEqualTo(
                                            uri(
                                                    savepoints.resolve(
                                                            "savepoint-0f1e2d-1a2b3c4d5e6f")));
                        });
    }

    @Test
    void nothingToResumeFromWhenTheFolderIsMissingEmptyOrOnlyIncomplete(@TempDir Path dir)
            throws IOException {
        assertThat(RetainedCheckpoints.latest(dir.resolve("never-written").toString(), null))
                .isEmpty();
        assertThat(RetainedCheckpoints.latest(dir.toString(), null)).isEmpty();
        incomplete(dir, JOB_A, 1);
        Files.writeString(dir.resolve("stray-file"), "x");
        assertThat(
                        RetainedCheckpoints.latest(
                                dir.toString(), dir.resolve("no-savepoints").toString()))
                .isEmpty();
        assertThat(RetainedCheckpoints.latest(null, null)).isEmpty();
    }

    @Test
    void aRestartedRunRestoresTheLatestCheckpointAndSaysHowOldItIs(@TempDir Path dir)
            throws IOException {
        checkpoint(dir, JOB_A, 3, T0);
        Map<String, String> settings = settings(dir);

        StreamRestore restore =
                StreamRestore.decide(settings, null, false, KAFKA, T0.plusSeconds(42));

        String chk = uri(dir.resolve(JOB_A).resolve("chk-3"));
        assertThat(restore.origin()).isEqualTo(StreamRestore.Origin.RESUMED);
        assertThat(settings).containsEntry("execution.state-recovery.path", chk);
        assertThat(restore.message())
                .isEqualTo(
                        "resuming from checkpoint "
                                + chk
                                + ", completed 42 s ago (2026-03-01T10:00:00Z)"
                                + " (start over with --from-scratch)");
    }

    @Test
    void aGivenSavepointWinsOverRetainedCheckpoints(@TempDir Path dir) throws IOException {
        checkpoint(dir, JOB_A, 3, T0);
        Map<String, String> settings = settings(dir);
        settings.put("execution.state-recovery.path", "/backups/savepoint-1");

        StreamRestore restore = StreamRestore.decide(settings, null, false, KAFKA, T0);

        assertThat(restore.origin()).isEqualTo(StreamRestore.Origin.GIVEN);
        assertThat(settings).containsEntry("execution.state-recovery.path", "/backups/savepoint-1");
        // flink run -s: the client has it, the run's settings do not
        Map<String, String> onCluster = settings(dir);
        assertThat(StreamRestore.decide(onCluster, "s3://bucket/sp-9", false, KAFKA, T0).path())
                .isEqualTo("s3://bucket/sp-9");
        assertThat(onCluster).doesNotContainKey("execution.state-recovery.path");
    }

    @Test
    void fromScratchIgnoresCheckpointsAndSaysWhatIsReadAgain(@TempDir Path dir) throws IOException {
        checkpoint(dir, JOB_A, 3, T0);
        Map<String, String> settings = settings(dir);

        StreamRestore restore = StreamRestore.decide(settings, null, true, KAFKA, T0);

        assertThat(restore.origin()).isEqualTo(StreamRestore.Origin.SCRATCH);
        assertThat(settings).doesNotContainKey("execution.state-recovery.path");
        assertThat(restore.message())
                .contains("--from-scratch", dir.toUri().toString())
                .endsWith(
                        "reading sensors from its earliest offsets (start: earliest): everything still in the topic is processed again");
        assertThat(
                        StreamRestore.reprocessed(
                                new KafkaSourceSpec(
                                        "t", "b", "g1", KafkaConnector.Start.COMMITTED, Map.of())))
                .isEqualTo(
                        "reading t from the offsets committed by group g1 (start: committed; earliest where it has none)");
        assertThatThrownBy(
                        () ->
                                StreamRestore.decide(
                                        Map.of("execution.state-recovery.path", "/sp"),
                                        null,
                                        true,
                                        KAFKA,
                                        T0))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--from-scratch");
    }

    @Test
    void aBoundedRunDoesNotResumeRetainedCheckpointsButTakesAGivenSavepoint(@TempDir Path dir)
            throws IOException {
        checkpoint(dir, JOB_A, 3, T0);
        Map<String, String> settings = settings(dir);

        StreamRestore bounded = StreamRestore.forBounded(settings, null, KAFKA);

        assertThat(bounded.origin()).isEqualTo(StreamRestore.Origin.SCRATCH);
        assertThat(settings).doesNotContainKey("execution.state-recovery.path");
        assertThat(bounded.message())
                .startsWith("a bounded run does not resume retained checkpoints");
        assertThat(StreamRestore.forBounded(settings, "/savepoints/sp-1", KAFKA).path())
                .isEqualTo("/savepoints/sp-1");
    }

    @Test
    void aFinishedJobsCheckpointsAreRemovedAndNothingIsLeftToResume(@TempDir Path dir)
            throws IOException {
        checkpoint(dir, JOB_A, 3, T0);

        RetainedCheckpoints.deleteJob(settings(dir).get("execution.checkpointing.dir"), JOB_A);

        assertThat(
                        RetainedCheckpoints.latest(
                                settings(dir).get("execution.checkpointing.dir"), null))
                .isEmpty();
    }

    @Test
    void aCheckpointWhoseOperatorsAreGoneFailsInOneLineNamingItAndFromScratch(@TempDir Path dir)
            throws IOException {
        checkpoint(dir, JOB_A, 3, T0);
        StreamRestore restore = StreamRestore.decide(settings(dir), null, false, KAFKA, T0);
        String chk = restore.path();
        // the chain Flink hands the client when the JobMaster cannot map the state
        // (JobInitializationException...)
        Exception failure =
                new FlinkRuntimeException(
                        "Job failed",
                        new RuntimeException(
                                "Could not start the JobMaster.",
                                new IllegalStateException(
                                        "Failed to rollback to checkpoint/savepoint "
                                                + chk
                                                + ". Cannot map"
                                                + " checkpoint/savepoint state for operator 5cc6ad8b to the new program, because the"
                                                + " operator is not available in the new program. If you want to allow to skip this, you"
                                                + " can set the --allowNonRestoredState option on the CLI.")));

        Optional<ConfigException> error = restore.failure(failure);

        assertThat(error)
                .hasValueSatisfying(
                        e ->
                                assertThat(e.getMessage())
                                        .startsWith(
                                                "cannot restore retained state "
                                                        + chk
                                                        + ": Cannot map checkpoint/savepoint state for operator"
                                                        + " 5cc6ad8b to the new program, because the operator is not available in the new program.")
                                        .contains("--from-scratch")
                                        .doesNotContain("allowNonRestoredState", "\n"));
        assertThat(
                        restore.failure(
                                new RuntimeException(
                                        "x", new StateMigrationException("serializer changed"))))
                .hasValueSatisfying(
                        e -> assertThat(e.getMessage()).contains(": serializer changed."));
        // any other failure is not about the restore
        assertThat(restore.failure(new RuntimeException("broker gone"))).isEmpty();
        // nothing restored, nothing to blame on it
        StreamRestore scratch = StreamRestore.decide(settings(dir), null, true, KAFKA, T0);
        assertThat(scratch.failure(failure)).isEmpty();
    }

    private static Map<String, String> settings(Path dir) {
        Map<String, String> settings = new HashMap<>();
        settings.put("execution.checkpointing.dir", dir.toUri().toString());
        return settings;
    }

    private static void checkpoint(Path dir, String job, int n, Instant completed)
            throws IOException {
        complete(dir.resolve(job).resolve("chk-" + n), completed);
    }

    private static void complete(Path folder, Instant completed) throws IOException {
        Files.createDirectories(folder);
        Path metadata = Files.write(folder.resolve("_metadata"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(metadata, FileTime.from(completed));
    }

    private static void incomplete(Path dir, String job, int n) throws IOException {
        incomplete(dir.resolve(job).resolve("chk-" + n));
    }

    private static void incomplete(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("7c1e9f0a-state"), new byte[] {1});
    }

    /** How Flink's local file system names a folder: file:/abs/path, without a trailing slash. */
    private static String uri(Path folder) {
        return "file:" + folder.toAbsolutePath();
    }
}
