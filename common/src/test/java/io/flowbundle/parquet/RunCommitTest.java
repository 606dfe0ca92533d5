package io.flowbundle.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All of a run's datasets in one commit, which a later run completes after a crash anywhere in it.
 */
class RunCommitTest {

    private static final String DAY1 = "date=2026-11-01";
    private static final String DAY2 = "date=2026-11-02";
    private static final String RUN = "run-0002";

    @TempDir Path dir;

    private Path output;
    private Path quarantine;
    private Path manifestFile;
    private AuditLog audit;

    @BeforeEach
    void layout() throws IOException {
        output = dir.resolve("out/sensor-hourly");
        quarantine = dir.resolve("out/quarantine/date=2026-11-01");
        manifestFile = RunCommit.manifestFile(output, "sensor-hourly");
        audit = new AuditLog(dir.resolve("audit/audit.jsonl"));
        // what an earlier run of the date left: both datasets hold its files
        write(output.resolve(DAY1).resolve("old.parquet"), "old output");
        write(output.resolve(DAY2).resolve("keep.parquet"), "another date");
        write(quarantine.resolve("old.parquet"), "old rejects");
    }

    @Test
    void everyDatasetIsCommittedAndAuditedOnceAndTheManifestIsGone() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();

        Map<String, PartitionCommitter.Result> results =
                RunCommit.commit(manifestFile, manifest, audit);

        assertCommitted();
        assertThat(results.get("output").written()).containsExactly(DAY1);
        assertThat(results.get("output").replaced()).containsExactly(DAY1);
        assertThat(results.get("quarantine").replaced()).containsExactly("");
        assertThat(results.get("output").files()).isEqualTo(1);
    }

    @Test
    void aCommitInterruptedBetweenTheRenamesIsCompletedByTheNextRun() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        writeManifestOnly(manifest);
        // the client died after moving the old output partition aside, before moving the new one in
        Path trash =
                manifest.datasets()
                        .get(0)
                        .staged()
                        .resolveSibling(
                                manifest.datasets().get(0).staged().getFileName() + ".trash");
        Files.createDirectories(trash);
        Files.move(output.resolve(DAY1), trash.resolve(DAY1));

        assertThat(RunCommit.recover(manifestFile, audit))
                .get()
                .satisfies(recovered -> assertThat(recovered.runId()).isEqualTo(RUN));

        assertCommitted();
        assertThat(RunCommit.recover(manifestFile, audit)).as("nothing left to recover").isEmpty();
    }

    @Test
    void aCommitInterruptedAfterTheOutputAndBeforeTheQuarantineIsCompleted() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        writeManifestOnly(manifest);
        RunCommit.apply(manifest.datasets().get(0));

        RunCommit.recover(manifestFile, audit);

        assertCommitted();
    }

    @Test
    void aCommitInterruptedAfterItsAuditIsNotAuditedTwice() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        writeManifestOnly(manifest);
        manifest.datasets().forEach(RunCommit::apply);
        audit.append(manifest.audit());

        RunCommit.recover(manifestFile, audit);

        assertCommitted();
    }

    @Test
    void noManifestNothingToRecover() {
        assertThat(RunCommit.recover(manifestFile, audit)).isEmpty();
        assertThat(audit.read()).isEmpty();
    }

    /** The new run's files, written aside as a job does, and the manifest of its commit. */
    private RunCommit.Manifest stageNewRun() throws IOException {
        Path stagedOutput = PartitionCommitter.stagingDir(output, RUN);
        Path stagedQuarantine = PartitionCommitter.stagingDir(quarantine, RUN);
        write(stagedOutput.resolve(DAY1).resolve("new.parquet"), "new output");
        write(stagedQuarantine.resolve("new.parquet"), "new rejects");
        return new RunCommit.Manifest(
                RUN,
                "sensor-hourly",
                List.of(
                        RunCommit.Staged.of("output", output, stagedOutput, 1, Set.of(DAY1)),
                        RunCommit.Staged.of(
                                "quarantine", quarantine, stagedQuarantine, 0, Set.of())),
                List.of(record("load"), record("run")));
    }

    private void writeManifestOnly(RunCommit.Manifest manifest) throws IOException {
        // as commit() does before its first rename
        Files.createDirectories(manifestFile.getParent());
        Files.write(manifestFile, AuditLog.json().writeValueAsBytes(manifest));
    }

    private void assertCommitted() throws IOException {
        assertThat(tree(output))
                .containsExactly(
                        Map.entry(DAY1 + "/new.parquet", "new output"),
                        Map.entry(DAY2 + "/keep.parquet", "another date"));
        assertThat(tree(quarantine)).containsExactly(Map.entry("new.parquet", "new rejects"));
        assertThat(manifestFile).doesNotExist();
        try (Stream<Path> list = Files.list(output.getParent())) {
            assertThat(list.map(p -> p.getFileName().toString()))
                    .as("no staging, trash or manifest left")
                    .containsExactlyInAnyOrder("sensor-hourly", "quarantine");
        }
        assertThat(audit.read()).extracting(AuditRecord::step).containsExactly("load", "run");
    }

    private static AuditRecord record(String step) {
        return record(RUN, step);
    }

    /** A step of run {@code runId} as a commit's manifest carries it (S3RunCommitITCase too). */
    static AuditRecord record(String runId, String step) {
        Instant at = Instant.parse("2026-11-02T01:00:00Z");
        return AuditRecord.builder()
                .runId(runId)
                .pipeline("sensor-hourly")
                .mode("batch")
                .logicalDate("2026-11-01")
                .step(step)
                .actor("test")
                .startedAt(at)
                .endedAt(at)
                .rowsIn(1L)
                .rowsOut(1L)
                .status(AuditRecord.SUCCEEDED)
                .build();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(file).toString(), Files.readString(file));
            }
        }
        return out;
    }
}
