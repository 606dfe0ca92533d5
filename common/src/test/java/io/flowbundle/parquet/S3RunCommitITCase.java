package io.flowbundle.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.testing.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch commit on S3 (S3Proxy): all of a run's datasets in one manifest object; the files of
 * each owned partition moved in, the older ones deleted; a commit interrupted anywhere is completed
 * by the next run to the same end state, and audited once.
 */
class S3RunCommitITCase {

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final String DAY1 = "date=2026-11-01";
    private static final String DAY2 = "date=2026-11-02";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir java.nio.file.Path dir;

    private Path output;
    private Path quarantine;
    private Path manifestFile;
    private AuditLog audit;
    private String run;

    @BeforeAll
    static void fileSystems() {
        S3.createBucket("lake");
        FileSystems.initialize(S3.flinkConfig());
    }

    @BeforeEach
    void earlierRun() throws IOException {
        Path root = new Path("s3://lake/t" + PREFIXES.incrementAndGet());
        output = new Path(root, "sensor-hourly");
        quarantine = new Path(root, "quarantine/" + DAY1);
        run = "run-000" + PREFIXES.get();
        manifestFile = RunCommit.manifestFile(output, "sensor-hourly");
        audit = new AuditLog(dir.resolve("audit/audit.jsonl"));
        write(new Path(output, DAY1 + "/part-old-0.parquet"), "old output");
        write(new Path(output, DAY2 + "/part-old-0.parquet"), "another date");
        write(new Path(quarantine, "part-old-0.parquet"), "old rejects");
    }

    @Test
    void everyDatasetIsCommittedAndAuditedOnceAndTheManifestIsGone() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        assertThat(manifest.objects()).hasSize(2);
        assertThat(manifestFile.toString()).endsWith("/.sensor-hourly.commit.json");

        Map<String, PartitionCommitter.Result> results =
                RunCommit.commit(manifestFile, manifest, audit);

        assertCommitted();
        assertThat(results.get("output").written()).containsExactly(DAY1);
        assertThat(results.get("output").replaced()).containsExactly(DAY1);
        assertThat(results.get("quarantine").replaced()).containsExactly("");
        assertThat(results.get("output").files()).isEqualTo(2);
    }

    @Test
    void aCommitInterruptedAfterTheFirstMoveIsCompletedByTheNextRun() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        writeManifestOnly(manifest);
        // the client died after moving one new file in, before the second and the deletes
        FileSystem fs = output.getFileSystem();
        Path staged = new Path(manifest.objects().get(0).staged());
        fs.rename(
                new Path(staged, DAY1 + "/part-new-0.parquet"),
                new Path(output, DAY1 + "/part-new-0.parquet"));

        assertThat(RunCommit.recover(manifestFile, audit))
                .get()
                .satisfies(recovered -> assertThat(recovered.runId()).isEqualTo(run));

        assertCommitted();
        assertThat(RunCommit.recover(manifestFile, audit)).as("nothing left to recover").isEmpty();
    }

    @Test
    void aCommitInterruptedAfterItsDatasetsAndAuditIsNotAuditedTwice() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();
        writeManifestOnly(manifest);
        manifest.objects().forEach(ObjectStoreCommit::apply);
        audit.append(manifest.audit());

        RunCommit.recover(manifestFile, audit);

        assertCommitted();
    }

    @Test
    void aFailedRunsStagedFilesAreDeletedAndNothingIsVisible() throws IOException {
        RunCommit.Manifest manifest = stageNewRun();

        manifest.objects().forEach(dataset -> PartitionCommitter.abort(new Path(dataset.staged())));

        assertThat(tree(output))
                .containsExactly(
                        Map.entry(DAY1 + "/part-old-0.parquet", "old output"),
                        Map.entry(DAY2 + "/part-old-0.parquet", "another date"));
        assertThat(FileTrees.listFiles(output.getParent()))
                .extracting(f -> f.getPath().toString())
                .noneMatch(key -> key.contains(".staging-"));
    }

    /** The new run's files, written aside as a job does, and the manifest of its commit. */
    private RunCommit.Manifest stageNewRun() throws IOException {
        Path stagedOutput = PartitionCommitter.stagingDir(output, run);
        Path stagedQuarantine = PartitionCommitter.stagingDir(quarantine, run);
        assertThat(stagedOutput.getName()).startsWith(".sensor-hourly.staging-");
        write(new Path(stagedOutput, DAY1 + "/part-new-0.parquet"), "new output 0");
        write(new Path(stagedOutput, DAY1 + "/part-new-1.parquet"), "new output 1");
        write(new Path(stagedQuarantine, "part-new-0.parquet"), "new rejects");
        return RunCommit.Manifest.of(
                run,
                "sensor-hourly",
                List.of(
                        RunCommit.stage("output", output, stagedOutput, 1, Set.of(DAY1)),
                        RunCommit.stage("quarantine", quarantine, stagedQuarantine, 0, Set.of())),
                List.of(record("load"), record("run")));
    }

    private void writeManifestOnly(RunCommit.Manifest manifest) throws IOException {
        try (FSDataOutputStream out =
                manifestFile.getFileSystem().create(manifestFile, FileSystem.WriteMode.OVERWRITE)) {
            out.write(AuditLog.json().writeValueAsBytes(manifest));
        }
    }

    private void assertCommitted() throws IOException {
        assertThat(tree(output))
                .containsExactly(
                        Map.entry(DAY1 + "/part-new-0.parquet", "new output 0"),
                        Map.entry(DAY1 + "/part-new-1.parquet", "new output 1"),
                        Map.entry(DAY2 + "/part-old-0.parquet", "another date"));
        assertThat(tree(quarantine))
                .containsExactly(Map.entry("part-new-0.parquet", "new rejects"));
        assertThat(manifestFile.getFileSystem().exists(manifestFile)).isFalse();
        assertThat(FileTrees.listFiles(output.getParent()))
                .extracting(f -> f.getPath().toString())
                .as("no staging or manifest left")
                .noneMatch(key -> key.contains("/."));
        assertThat(audit.read()).extracting(AuditRecord::step).containsExactly("load", "run");
    }

    private AuditRecord record(String step) {
        return RunCommitTest.record(run, step);
    }

    private static void write(Path file, String text) throws IOException {
        try (FSDataOutputStream out =
                file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every file below {@code root}, relative name to content. */
    private static Map<String, String> tree(Path root) throws IOException {
        String prefix = root.toUri().getPath() + "/";
        Map<String, String> out = new TreeMap<>();
        for (FileStatus file : FileTrees.listFiles(root)) {
            try (FSDataInputStream in = file.getPath().getFileSystem().open(file.getPath())) {
                out.put(
                        file.getPath().toUri().getPath().substring(prefix.length()),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
