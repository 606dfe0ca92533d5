package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.CliProcess;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 5 of docs/RELIABILITY.md: the disk under a batch run's output, quarantine and staging fills
 * up while its job writes. The outputs live on a 4 MB tmpfs mounted by the test (it needs root and
 * the right to mount; elsewhere it is skipped with the reason); a first run fills them, then a file
 * takes all but a few pages of the space and the same date runs again: it fails with one line
 * naming where it was writing, leaves the previous output byte for byte as it was and no partial
 * file; once the space is free again, the next run ends with exactly the right output and
 * quarantine.
 */
@Tag("faults")
class BatchDiskFullITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Path LAUNCHER_LOGGING =
            Path.of("..", "launcher", "src", "main", "resources", "log4j2.properties")
                    .toAbsolutePath()
                    .normalize();
    private static final String DATE = "2026-11-01";

    /** Left free for the run: its lock file fits, its Parquet files do not. */
    private static final long LEFT_FREE = 48 * 1024;

    @Test
    void aFullDiskFailsTheRunInOneLineAndLeavesThePreviousOutputAsItWas(@TempDir Path dir)
            throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        String refused = mountTmpfs(disk, "4m");
        Assumptions.assumeTrue(refused == null, refused);
        try {
            run(dir, disk);
        } finally {
            unmount(disk);
        }
    }

    private void run(Path dir, Path disk) throws Exception {
        Path input = dir.resolve("input");
        SampleData.Counts generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withSeed(55)
                                .withEvents(4_000)
                                .withDays(1)
                                .withDuplicates(0.03)
                                .withInvalid(0.05),
                        "snappy");
        Path out = disk.resolve("out");
        Path spec = TestPipelines.sensorHourly(dir.resolve("spec"), input, out);
        Path auditFile = dir.resolve("audit/audit.jsonl");
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: " + auditFile + "}\nactor: test\n");
        List<String> batch =
                List.of(
                        "batch",
                        "--pipeline",
                        spec.toString(),
                        "--date",
                        DATE,
                        "--config",
                        config.toString(),
                        "-p",
                        "2");

        BatchRun.Summary first = batchRun(dir, spec);
        assertThat(first.counts().rejectedOnInput()).isEqualTo(generated.of(Kind.INVALID));
        Map<String, String> before = contents(out);
        assertThat(before).isNotEmpty();

        Path filler = disk.resolve("filler");
        fill(filler, Files.getFileStore(disk).getUsableSpace() - LEFT_FREE);
        // the CLI as users start it, with the launcher's logging: what its console shows
        CliProcess full = runToEnd(dir, "disk-full", batch, 1);
        List<String> lines = full.output().lines().toList();
        List<String> errors = lines.stream().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).as(full.tail()).hasSize(1);
        assertThat(errors.get(0))
                .contains("no space left on the device writing " + out.resolve("sensor-hourly"))
                .contains(out.resolve("quarantine").toString())
                .contains("the previous output is unchanged");
        assertThat(lines)
                .as("a stack trace on the console")
                .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
        assertThat(contents(out)).as("the previous output, byte for byte").isEqualTo(before);
        List<AuditRecord> audit = new AuditLog(auditFile).read();
        assertThat(audit)
                .filteredOn(r -> r.step().equals("run") && r.status().equals(AuditRecord.FAILED))
                .singleElement()
                .satisfies(r -> assertThat(r.error()).contains("no space left on the device"));

        Files.delete(filler);
        BatchRun.Summary again = batchRun(dir, spec);
        assertThat(again.counts()).isEqualTo(first.counts());
        try (DuckDb duck = new DuckDb()) {
            SensorOracle.assertSameResults(
                    duck,
                    SensorOracle.results(out.resolve("sensor-hourly")),
                    SensorOracle.expected(input + "/date=" + DATE + "/*.parquet"));
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("quarantine"))))
                    .as("rejected rows in the quarantine")
                    .isEqualTo(generated.of(Kind.INVALID));
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging"))))
                    .isEqualTo(generated.total() - generated.of(Kind.INVALID));
        }
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers)
                    .as("staging, manifest or lock left beside the outputs")
                    .noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    /**
     * Every file under {@code root} (hidden ones included: a staging folder or a partial file left
     * behind would show) with a digest of its bytes.
     */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return files;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream stream = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                stream.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    /** Mounts a tmpfs of {@code size} on {@code dir}; the reason it could not, or null. */
    private static String mountTmpfs(Path dir, String size) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "mounting a small tmpfs needs root; this test runs as "
                    + System.getProperty("user.name");
        }
        Process mount =
                new ProcessBuilder(
                                "mount",
                                "-t",
                                "tmpfs",
                                "-o",
                                "size=" + size,
                                "tmpfs",
                                dir.toString())
                        .redirectErrorStream(true)
                        .start();
        if (!mount.waitFor(30, TimeUnit.SECONDS)) {
            mount.destroyForcibly();
            return "mount -t tmpfs did not return within 30 s";
        }
        String said = new String(mount.getInputStream().readAllBytes()).trim();
        return mount.exitValue() == 0
                ? null
                : "cannot mount a tmpfs here (mount -t tmpfs: " + said + ")";
    }

    private static void unmount(Path dir) throws Exception {
        Process umount = new ProcessBuilder("umount", dir.toString()).inheritIO().start();
        if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
            umount.destroyForcibly();
            // still busy: detach it now, the kernel frees it once nothing uses it
            new ProcessBuilder("umount", "-l", dir.toString())
                    .inheritIO()
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A run in this JVM, on the class's MiniCluster, with the CLI run's audit log. */
    private static BatchRun.Summary batchRun(Path dir, Path spec) {
        return new BatchRun(
                        SpecLoader.load(spec), TestPipelines.runtime(dir), LocalDate.parse(DATE))
                .run();
    }

    private static CliProcess runToEnd(Path dir, String name, List<String> args, int exitCode)
            throws Exception {
        CliProcess child =
                CliProcess.start(
                        dir,
                        log(name),
                        List.of("-Dlog4j2.configurationFile=" + LAUNCHER_LOGGING),
                        args);
        try {
            assertThat(child.awaitExit(TIMEOUT)).as(child.tail()).isEqualTo(exitCode);
        } finally {
            child.kill();
        }
        return child;
    }

    /** Child logs under target/, where they outlive the test's temp folder. */
    private static Path log(String name) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", "BatchDiskFullITCase"));
        return folder.resolve(name + ".log").toAbsolutePath();
    }
}
