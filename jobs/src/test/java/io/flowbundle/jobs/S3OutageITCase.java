package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.fs.FileSystems;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.testing.CliProcess;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.S3Server;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 6 of docs/RELIABILITY.md: the S3 server stops while a batch run (the CLI, with the
 * launcher's logging and the product's retry settings, {@link FileSystems#OBJECT_STORAGE_RETRIES})
 * writes its output, quarantine and staging to s3://. The run gives up within a bound, in one line
 * naming the dataset and the endpoint; once the server is back, the previous output is as it was,
 * and the next run of the date ends with exactly the right output, having removed what the failed
 * run left (its lock and staged files).
 */
@Tag("faults")
class S3OutageITCase {

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String DATE = "2026-11-01";
    private static final Path LAUNCHER_LOGGING =
            Path.of("..", "launcher", "src", "main", "resources", "log4j2.properties")
                    .toAbsolutePath()
                    .normalize();

    @Test
    void aStoppedS3ServerFailsTheRunInOneLineWithinABoundAndTheNextRunRepairs(@TempDir Path dir)
            throws Exception {
        S3.createBucket("lake");
        Path input = dir.resolve("input");
        SampleData.Counts generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withSeed(34)
                                .withEvents(20_000)
                                .withDays(1)
                                .withDuplicates(0.03)
                                .withInvalid(0.02),
                        "snappy");
        // every event of this seed falls on the run's date, so the generator's counts are its
        assertThat(SampleData.partitions(input))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("date=" + DATE);
        Path local = dir.resolve("unused");
        String spec =
                TestPipelines.read(TestPipelines.sensorHourly(dir.resolve("spec"), input, local))
                        .replace(
                                local.resolve("sensor-hourly").toString(),
                                "s3://lake/out/sensor-hourly")
                        .replace(local.resolve("quarantine").toString(), "s3://lake/out/quarantine")
                        .replace(local.resolve("staging").toString(), "s3://lake/out/staging");
        assertThat(spec).doesNotContain(local.toString());
        Path specFile = TestPipelines.write(dir.resolve("spec/sensor-hourly.yaml"), spec);
        // the S3 settings a user writes; retries and timeouts are the product's defaults
        Map<String, String> s3 = new TreeMap<>(S3.flinkConfig());
        s3.keySet().removeAll(S3Server.failFast().keySet());
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"),
                        "audit: {path: "
                                + dir.resolve("audit/audit.jsonl")
                                + "}\nactor: test\nflink:\n"
                                + s3.entrySet().stream()
                                        .map(e -> "  " + e.getKey() + ": '" + e.getValue() + "'\n")
                                        .collect(Collectors.joining()));
        List<String> batch =
                List.of(
                        "batch",
                        "--pipeline",
                        specFile.toString(),
                        "--date",
                        DATE,
                        "--config",
                        config.toString(),
                        "-p",
                        "2");
        Path out = S3.objectFile("lake", "out");

        runToEnd(dir, "before-outage", batch, 0);
        Map<String, String> before = visible(out);
        assertThat(before).isNotEmpty();

        CliProcess failing = CliProcess.start(dir, log("outage"), flags(), batch);
        long stopped;
        try {
            failing.awaitWhileRunning(
                    "the job running", () -> failing.output().contains(" is running"), TIMEOUT);
            S3.stop();
            stopped = System.nanoTime();
            assertThat(failing.awaitExit(TIMEOUT)).as(failing.tail()).isEqualTo(1);
        } finally {
            failing.kill();
            S3.restart();
        }
        long gaveUpMillis = (System.nanoTime() - stopped) / 1_000_000;
        System.out.printf(
                "S3OutageITCase: the run gave up %d ms after the server stopped%n", gaveUpMillis);
        List<String> lines = failing.output().lines().toList();
        List<String> errors = lines.stream().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).as(failing.tail()).hasSize(1);
        assertThat(errors.get(0))
                .contains("s3://lake/out/")
                .contains("the S3 endpoint 127.0.0.1:" + S3.port() + " does not answer")
                .contains("the previous output is unchanged")
                .doesNotContain(S3.secretKey());
        assertThat(lines)
                .as("a stack trace on the console")
                .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
        assertThat(Duration.ofMillis(gaveUpMillis))
                .as("time from the outage to the run's end")
                .isLessThan(Duration.ofSeconds(120));
        assertThat(visible(out)).as("the previous output, byte for byte").isEqualTo(before);

        CliProcess next = runToEnd(dir, "after-outage", batch, 0);
        assertThat(next.output()).contains("taking over the lock");
        try (DuckDb duck = new DuckDb()) {
            SensorOracle.assertSameResults(
                    duck,
                    SensorOracle.results(out.resolve("sensor-hourly")),
                    SensorOracle.expected(input + "/date=" + DATE + "/*.parquet"));
            assertThat(
                            duck.count(
                                    "SELECT count(*) FROM "
                                            + DuckDb.parquet(out.resolve("quarantine"))))
                    .isEqualTo(generated.of(Kind.INVALID));
            assertThat(duck.count("SELECT count(*) FROM " + DuckDb.parquet(out.resolve("staging"))))
                    .isEqualTo(generated.total() - generated.of(Kind.INVALID));
        }
        try (Stream<Path> all = Files.walk(out)) {
            assertThat(all.filter(Files::isRegularFile))
                    .as("a lock, manifest or staged file left")
                    .noneMatch(p -> out.relativize(p).toString().matches("(.*/)?\\..*"));
        }
    }

    /** Every object under {@code root} that a reader sees (no part of its key hidden), digested. */
    private static Map<String, String> visible(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(file).toString();
                if (!key.matches("(.*/)?\\..*")) {
                    files.put(key, sha256(file));
                }
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

    private static List<String> flags() {
        return List.of("-Dlog4j2.configurationFile=" + LAUNCHER_LOGGING);
    }

    private static CliProcess runToEnd(Path dir, String name, List<String> args, int exitCode)
            throws Exception {
        CliProcess child = CliProcess.start(dir, log(name), flags(), args);
        try {
            assertThat(child.awaitExit(TIMEOUT)).as(child.tail()).isEqualTo(exitCode);
        } finally {
            child.kill();
        }
        return child;
    }

    /** Child logs under target/, where they outlive the test's temp folder. */
    private static Path log(String name) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", "S3OutageITCase"));
        return folder.resolve(name + ".log").toAbsolutePath();
    }
}
