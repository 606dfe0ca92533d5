package io.flowbundle.jobs;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.testing.CliProcess;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch client killed in the middle of its commit (docs/RELIABILITY.md, Faults): the CLI as a
 * child JVM halts itself right after the third partition rename (a test-only hook in {@link
 * io.flowbundle.parquet.RunCommit}), as {@code kill -9} would there; the next run of the pipeline
 * completes that commit first, and ends where a clean run ends.
 */
@Tag("faults")
class BatchCommitCrashITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String DATE = "2026-11-01";
    private static final Pattern RUN_OF_FILE = Pattern.compile("^part-([0-9a-f]{8})-");
    private static final List<String> STEPS =
            List.of("extract", "validate", "dedupe", "transform", "load", "stage", "run");

    @Test
    void aClientKilledMidCommitIsCompletedByTheNextRunAndReadersNeverSeeTwoRunsMixed(
            @TempDir Path dir) throws Exception {
        Path input = dir.resolve("input");
        SampleData.Counts generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withSeed(33)
                                .withEvents(20_000)
                                .withDays(1)
                                .withDuplicates(0.03)
                                .withInvalid(0.02),
                        "snappy");
        // every event of this seed falls on the run's date, so the generator's counts are its
        assertThat(SampleData.partitions(input))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("date=" + DATE);
        Path out = dir.resolve("out");
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
        Path manifest = out.resolve(".sensor-hourly.commit.json");
        List<Path> partitions =
                List.of(
                        out.resolve("sensor-hourly/window_date=" + DATE),
                        out.resolve("quarantine/date=" + DATE),
                        out.resolve("staging/date=" + DATE));

        // 1. a clean run: the partitions exist, so the crashing run replaces them (two renames
        // each)
        long started = System.nanoTime();
        runToEnd(dir, "first", List.of(), batch, 0);
        log("first run", started);
        assertThat(partitions).allMatch(Files::isDirectory);

        // 2. the same date again, halted right after its third rename, watched by a reader
        Watcher watcher = new Watcher(partitions);
        Thread reader = new Thread(watcher, "partition-reader");
        reader.start();
        started = System.nanoTime();
        try {
            runToEnd(dir, "crashed", List.of("-Dflowbundle.test.halt-after-renames=3"), batch, 137);
        } finally {
            watcher.stop.set(true);
            reader.join();
        }
        log("crashing run", started);
        assertThat(watcher.mixed).as("listings with files of two runs in one partition").isEmpty();
        assertThat(watcher.listings.get()).as("listings made by the reader").isPositive();
        assertThat(manifest).as("the interrupted commit's manifest").isRegularFile();
        String crashed = AuditLog.json().readTree(manifest.toFile()).get("run_id").asText();
        assertThat(runsOf(new AuditLog(auditFile).read())).doesNotContain(crashed);
        // killed, it could not remove its run lock: the next run takes it over (its pid is gone)
        Path lock = out.resolve(".sensor-hourly.lock");
        assertThat(AuditLog.json().readTree(lock.toFile()).get("run_id").asText())
                .isEqualTo(crashed);

        // 3. the same command again: it completes the interrupted commit, then runs itself
        started = System.nanoTime();
        CliProcess third = runToEnd(dir, "after-crash", List.of(), batch, 0);
        log("run after the crash", started);
        assertThat(third.output().lines().filter(l -> l.contains("WARN")).toList())
                .as(third.tail())
                .anyMatch(
                        l ->
                                l.contains(
                                                "run "
                                                        + crashed
                                                        + " of sensor-hourly was interrupted while"
                                                        + " committing its output; its commit")
                                        && l.contains("is now complete"));

        assertThat(third.output())
                .contains("taking over the lock")
                .contains("of run " + crashed + " of sensor-hourly: its pid");
        // the audit: three runs, each with its records exactly once (the crashed one included)
        List<AuditRecord> audit = new AuditLog(auditFile).read();
        List<String> runs = runsOf(audit);
        assertThat(runs).hasSize(3).contains(crashed);
        for (String run : runs) {
            assertThat(audit)
                    .filteredOn(r -> r.runId().equals(run))
                    .extracting(AuditRecord::step)
                    .as("audit records of run " + run)
                    .containsExactlyElementsOf(STEPS);
        }
        String last = runs.get(2);
        assertThat(last).isNotEqualTo(crashed);

        // the datasets: what a clean run gives, all of the last run, nothing left beside them
        try (DuckDb duck = new DuckDb()) {
            Path hourly = out.resolve("sensor-hourly");
            SensorOracle.assertSameResults(
                    duck,
                    SensorOracle.results(hourly),
                    SensorOracle.expected(input + "/date=" + DATE + "/*.parquet"));
            assertThat(
                            duck.count(
                                    "SELECT count(*) FROM (SELECT device_id, window_start FROM "
                                            + parquet(hourly)
                                            + " GROUP BY ALL HAVING count(*) > 1)"))
                    .as("duplicate windows")
                    .isZero();
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("quarantine"))))
                    .isEqualTo(generated.of(Kind.INVALID));
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging"))))
                    .isEqualTo(generated.total() - generated.of(Kind.INVALID));
        }
        String lastShort = last.replace("-", "").substring(12, 20);
        for (Path partition : partitions) {
            assertThat(runsOfFiles(partition)).as(partition.toString()).containsExactly(lastShort);
        }
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers)
                    .as("staging, trash or manifest left beside the outputs")
                    .noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    @Test
    void aClientKilledDuringItsJobCommitsNothingAndTheNextRunRemovesWhatItLeft(@TempDir Path dir)
            throws Exception {
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
        Path out = dir.resolve("out");
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
        List<Path> partitions =
                List.of(
                        out.resolve("sensor-hourly/window_date=" + DATE),
                        out.resolve("quarantine/date=" + DATE),
                        out.resolve("staging/date=" + DATE));
        runToEnd(dir, "before-kill", List.of(), batch, 0);
        String first = runsOf(new AuditLog(auditFile).read()).get(0);
        String firstShort = first.replace("-", "").substring(12, 20);

        // the same date again, SIGKILLed once its job has begun to write (staged files exist)
        Watcher watcher = new Watcher(partitions);
        Thread reader = new Thread(watcher, "partition-reader");
        reader.start();
        CliProcess killed = CliProcess.start(dir, log("killed-in-job"), batch);
        try {
            killed.awaitWhileRunning(
                    "staged files of the job",
                    () ->
                            stagingLeftovers(out).stream()
                                    .anyMatch(BatchCommitCrashITCase::holdsFiles),
                    TIMEOUT);
        } finally {
            killed.kill();
        }
        assertThat(out.resolve(".sensor-hourly.commit.json"))
                .as("a manifest: the kill came after the job, in the commit")
                .doesNotExist();
        for (Path partition : partitions) {
            assertThat(runsOfFiles(partition))
                    .as(partition + " after the kill")
                    .containsExactly(firstShort);
        }
        List<Path> left = stagingLeftovers(out);
        assertThat(left).isNotEmpty();
        // an empty staging folder is removed without a word; one with files is named
        List<Path> leftWithFiles = new ArrayList<>();
        for (Path staged : left) {
            if (holdsFiles(staged)) {
                leftWithFiles.add(staged);
            }
        }
        assertThat(leftWithFiles).as("staged files of the killed run").isNotEmpty();

        // the next run says what it found, removes it, and ends as a clean run
        CliProcess next = runToEnd(dir, "after-kill-in-job", List.of(), batch, 0);
        watcher.stop.set(true);
        reader.join();
        assertThat(watcher.mixed).as("listings with files of two runs in one partition").isEmpty();
        assertThat(watcher.missingBeforeCommit.get())
                .as("listings without a partition that existed, before the next run's commit")
                .isZero();
        System.out.printf(
                "BatchCommitCrashITCase: %d listings, %d of them during the next run's renames"
                        + " without the partition%n",
                watcher.listings.get(), watcher.missing.get());
        String warnings =
                String.join("\n", next.output().lines().filter(l -> l.contains("WARN")).toList());
        assertThat(warnings)
                .as(next.tail())
                .contains("taking over the lock")
                .contains(
                        "ended before its commit (killed, or its clean-up failed): nothing of it"
                                + " was committed; removed its staged files");
        for (Path staged : leftWithFiles) {
            assertThat(warnings).contains(staged.toString());
        }
        assertThat(stagingLeftovers(out)).isEmpty();
        List<AuditRecord> audit = new AuditLog(auditFile).read();
        List<String> runs = runsOf(audit);
        assertThat(runs).as("runs in the audit: the killed one committed nothing").hasSize(2);
        String last = runs.get(1);
        try (DuckDb duck = new DuckDb()) {
            SensorOracle.assertSameResults(
                    duck,
                    SensorOracle.results(out.resolve("sensor-hourly")),
                    SensorOracle.expected(input + "/date=" + DATE + "/*.parquet"));
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("quarantine"))))
                    .isEqualTo(generated.of(Kind.INVALID));
            assertThat(duck.count("SELECT count(*) FROM " + parquet(out.resolve("staging"))))
                    .isEqualTo(generated.total() - generated.of(Kind.INVALID));
        }
        String lastShort = last.replace("-", "").substring(12, 20);
        for (Path partition : partitions) {
            assertThat(runsOfFiles(partition)).as(partition.toString()).containsExactly(lastShort);
        }
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers)
                    .as("staging, trash, manifest or lock left beside the outputs")
                    .noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    private static boolean holdsFiles(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.anyMatch(Files::isRegularFile);
        } catch (IOException | UncheckedIOException e) {
            // moved or deleted while walking: look again at the next poll
            return false;
        }
    }

    /** The hidden staging folders under {@code out} (beside the datasets and inside them). */
    private static List<Path> stagingLeftovers(Path out) {
        try (Stream<Path> paths = Files.walk(out, 2)) {
            return paths.filter(p -> p.getFileName().toString().matches("\\..+\\.staging-.+"))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            // a folder renamed or deleted while walking: look again at the next poll
            return List.of();
        }
    }

    private static CliProcess runToEnd(
            Path dir, String name, List<String> jvmFlags, List<String> args, int exitCode)
            throws Exception {
        CliProcess child = CliProcess.start(dir, log(name), jvmFlags, args);
        try {
            assertThat(child.awaitExit(TIMEOUT)).as(child.tail()).isEqualTo(exitCode);
        } finally {
            child.kill();
        }
        return child;
    }

    /** Polls the partitions without pause and keeps every listing that holds two runs' files. */
    private static final class Watcher implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong listings = new AtomicLong();
        final ConcurrentLinkedQueue<String> mixed = new ConcurrentLinkedQueue<>();

        /** Listings that found no partition folder. */
        final AtomicLong missing = new AtomicLong();

        /** The same, counted until a manifest (a commit under way) first appeared. */
        final AtomicLong missingBeforeCommit = new AtomicLong();

        private final List<Path> partitions;

        Watcher(List<Path> partitions) {
            this.partitions = partitions;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                for (Path partition : partitions) {
                    Set<String> seen;
                    try {
                        seen = runsOfFiles(partition);
                    } catch (UncheckedIOException e) {
                        // absent for the instant between the two renames: the docs allow it
                        missing.incrementAndGet();
                        if (!committing(partition)) {
                            missingBeforeCommit.incrementAndGet();
                        }
                        continue;
                    }
                    listings.incrementAndGet();
                    if (seen.size() > 1) {
                        mixed.add(partition + ": " + seen);
                    }
                }
            }
        }
    }

    /** Whether a commit has begun: its manifest is beside the outputs (two levels up). */
    private static boolean committing(Path partition) {
        Path out = partition.getParent().getParent();
        return Files.exists(out.resolve(".sensor-hourly.commit.json"));
    }

    /** The runs (short ids) whose files are in {@code partition}. */
    private static Set<String> runsOfFiles(Path partition) {
        Set<String> runs = new TreeSet<>();
        try (Stream<Path> files = Files.list(partition)) {
            files.forEach(
                    f -> {
                        Matcher m = RUN_OF_FILE.matcher(f.getFileName().toString());
                        if (m.find()) {
                            runs.add(m.group(1));
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }

    private static List<String> runsOf(List<AuditRecord> audit) {
        List<String> runs = new ArrayList<>();
        for (AuditRecord record : audit) {
            if (!runs.contains(record.runId())) {
                runs.add(record.runId());
            }
        }
        return runs;
    }

    private static void log(String what, long startedNanos) {
        System.out.printf(
                "BatchCommitCrashITCase: %s took %d ms%n",
                what, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** Child logs under target/, where they outlive the test's temp folder. */
    private static Path log(String name) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", "BatchCommitCrashITCase"));
        return folder.resolve(name + ".log").toAbsolutePath();
    }
}
