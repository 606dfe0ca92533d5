package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.CapturedLogs;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.S3Server;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch pipeline with its source, output, quarantine and staging all on S3 (S3Proxy), on a
 * MiniCluster: DuckDB recomputes the answer from the input and reads what was committed as plain
 * files of the blob store; a dated rerun replaces its partition without duplicates; the secret key
 * is in no file the run wrote and in no line it logged.
 */
class S3BatchPipelineITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final LocalDate DAY_ONE = LocalDate.of(2026, 11, 1);

    @TempDir static Path shared;
    private static Path localInput;
    private static DuckDb duck;

    @BeforeAll
    static void inputOnObjectStorage() throws IOException {
        S3.createBucket("lake");
        // the MiniCluster's tasks run in this JVM and share its file systems
        FileSystems.initialize(S3.flinkConfig());
        localInput = shared.resolve("sensor-events");
        SampleData.writeParquet(
                localInput,
                SensorEventGenerator.Settings.defaults()
                        .withEvents(20_000)
                        .withDays(2)
                        .withDuplicates(0.03)
                        .withInvalid(0.02),
                "zstd");
        upload(localInput, "s3://lake/sensor-events");
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void theWholePipelineOnS3MatchesDuckDbAndItsLocalTwinAndADatedRerunDoesNotDuplicate(
            @TempDir Path dir) throws Exception {
        BatchRun.Summary local =
                new BatchRun(
                                SpecLoader.load(
                                        TestPipelines.sensorHourly(
                                                dir.resolve("local"),
                                                localInput,
                                                dir.resolve("local/out"))),
                                TestPipelines.runtime(dir.resolve("local")),
                                null)
                        .run();
        PipelineSpec spec = SpecLoader.load(s3Spec(dir, "lake"));
        RuntimeConfig config = runtime(dir);

        List<String> logged = new ArrayList<>();
        BatchRun.Summary all;
        BatchRun.Summary rerun;
        try (CapturedLogs flowbundle = CapturedLogs.of("io.flowbundle", Level.DEBUG);
                CapturedLogs flink = CapturedLogs.of("org.apache.flink", Level.INFO);
                CapturedLogs hadoop = CapturedLogs.of("org.apache.hadoop", Level.INFO)) {
            all = new BatchRun(spec, config, null).run();
            rerun = new BatchRun(spec, config, DAY_ONE).run();
            for (CapturedLogs logs : List.of(flowbundle, flink, hadoop)) {
                logs.lines().forEach(line -> logged.add(line.message()));
            }
        }

        String expected = SensorOracle.expected(localInput + "/**/*.parquet");
        Path hourly = S3.objectFile("lake", "out/sensor-hourly");
        SensorOracle.assertSameResults(duck, SensorOracle.results(hourly), expected);
        assertThat(all.counts()).isEqualTo(local.counts());
        assertThat(all.counts().reconciles()).isTrue();
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + DuckDb.parquet(S3.objectFile("lake", "out/staging"))))
                .isEqualTo(local.counts().consumed() - local.counts().rejectedOnInput());

        // the rerun of day one replaced that partition (its files only) and left day two alone
        assertThat(rerun.outputs().get(0).result().replaced())
                .containsExactly("window_date=2026-11-01");
        assertThat(
                        FileTrees.listFiles(
                                new org.apache.flink.core.fs.Path(
                                        "s3://lake/out/sensor-hourly/window_date=2026-11-01")))
                .isNotEmpty()
                .allSatisfy(
                        f ->
                                assertThat(f.getPath().getName())
                                        .startsWith("part-" + rerun.run().shortId()));
        assertThat(
                        FileTrees.listFiles(
                                new org.apache.flink.core.fs.Path(
                                        "s3://lake/out/sensor-hourly/window_date=2026-11-02")))
                .allSatisfy(
                        f ->
                                assertThat(f.getPath().getName())
                                        .startsWith("part-" + all.run().shortId()));
        assertThat(FileTrees.listFiles(new org.apache.flink.core.fs.Path("s3://lake/out")))
                .as("no staging prefix or manifest left")
                .extracting(f -> f.getPath().toUri().getPath())
                .noneMatch(key -> key.contains("/."));
        assertThat(logged)
                .anyMatch(
                        line ->
                                line.contains("committing")
                                        && line.contains("to object storage")
                                        && line.contains("old and new files side by side"));

        List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
        assertThat(audit)
                .filteredOn(r -> r.step().equals("load"))
                .extracting(AuditRecord::target)
                .containsOnly("s3://lake/out/sensor-hourly");
        assertThat(TestPipelines.read(dir.resolve("lineage/lineage.jsonl")))
                .contains(
                        "\"namespace\":\"s3://lake\"",
                        "\"name\":\"out/sensor-hourly\"",
                        "\"name\":\"sensor-events\"");

        String secret = S3.secretKey();
        assertThat(logged)
                .as("the runs logged")
                .isNotEmpty()
                .noneMatch(line -> line.contains(secret));
        assertThat(filesContaining(dir, secret))
                .as("files the runs wrote that hold the secret key")
                .isEmpty();
        assertThat(filesContaining(S3.objectFile("lake", "out"), secret)).isEmpty();
    }

    @Test
    void aSinkInABucketThatDoesNotExistStopsTheRunInOneLineNamingTheSpecKey(@TempDir Path dir) {
        Path file =
                TestPipelines.write(
                        s3Spec(dir, "lake"),
                        TestPipelines.read(s3Spec(dir, "lake"))
                                .replace(
                                        "s3://lake/out/sensor-hourly",
                                        "s3://no-such-bucket/sensor-hourly"));
        PipelineSpec spec = SpecLoader.load(file);

        assertThatThrownBy(() -> new BatchRun(spec, runtime(dir), null).run())
                .isInstanceOf(FlowbundleException.class)
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .contains(file + ": sink.path")
                                        .contains("bucket 'no-such-bucket' does not exist")
                                        .doesNotContain("\n")
                                        .doesNotContain(S3.secretKey()));
    }

    @Test
    void aSourceInABucketThatDoesNotExistStopsTheRunInOneLineNamingTheSpecKey(@TempDir Path dir) {
        Path file =
                TestPipelines.write(
                        s3Spec(dir, "lake"),
                        TestPipelines.read(s3Spec(dir, "lake"))
                                .replace(
                                        "s3://lake/sensor-events",
                                        "s3://no-such-bucket/sensor-events"));

        assertThatThrownBy(() -> new BatchRun(SpecLoader.load(file), runtime(dir), null).run())
                .isInstanceOf(FlowbundleException.class)
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .contains(file + ": source.path")
                                        .contains("bucket 'no-such-bucket' does not exist")
                                        .doesNotContain("\n"));
    }

    /** The sensor-hourly spec with every dataset in {@code bucket}. */
    private static Path s3Spec(Path dir, String bucket) {
        String spec =
                TestPipelines.read(
                                TestPipelines.sensorHourly(
                                        dir.resolve("spec"), localInput, dir.resolve("unused")))
                        .replace(
                                "path: " + localInput + "}",
                                "path: s3://" + bucket + "/sensor-events}")
                        .replace(
                                "path: " + dir.resolve("unused/sensor-hourly"),
                                "path: s3://" + bucket + "/out/sensor-hourly")
                        .replace(
                                "quarantine: " + dir.resolve("unused/quarantine"),
                                "quarantine: s3://" + bucket + "/out/quarantine")
                        .replace(
                                "path: " + dir.resolve("unused/staging"),
                                "path: s3://" + bucket + "/out/staging");
        assertThat(spec).doesNotContain(dir.resolve("unused").toString());
        return TestPipelines.write(dir.resolve("spec/sensor-hourly.yaml"), spec);
    }

    /**
     * The test's runtime settings plus the S3 settings, in the run's flink map as
     * conf/flowbundle.yaml has them.
     */
    private static RuntimeConfig runtime(Path dir) {
        RuntimeConfig base = TestPipelines.runtime(dir);
        Map<String, String> flink = new HashMap<>(base.flink());
        flink.putAll(S3.flinkConfig());
        return base.withFlink(Map.copyOf(flink));
    }

    /**
     * Copies a local folder's files to {@code prefix} through Flink's file system, as an upload
     * would.
     */
    private static void upload(Path folder, String prefix) throws IOException {
        org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(prefix);
        FileSystem fs = root.getFileSystem();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                try (FSDataOutputStream out =
                        fs.create(
                                new org.apache.flink.core.fs.Path(
                                        root, folder.relativize(file).toString()),
                                FileSystem.WriteMode.OVERWRITE)) {
                    out.write(Files.readAllBytes(file));
                }
            }
        }
        assertThat(FileTrees.listFiles(root)).extracting(FileStatus::getLen).isNotEmpty();
    }

    /** Every file below {@code dir} whose bytes contain {@code secret}. */
    private static List<Path> filesContaining(Path dir, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1)
                        .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                    found.add(path);
                }
            }
        }
        return found;
    }
}
