package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.Postgres;
import io.flowbundle.testing.S3Server;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle jar on a real standalone Flink cluster whose two TaskManagers share no disk (started
 * by scripts/flink-local from Maven jars, in its own state folder, on free ports), through the real
 * Flink CLI (scripts/flink), with every dataset, checkpoint and savepoint on an S3 server (S3Proxy
 * with a filesystem blob store, so the test reads the objects back with DuckDB). The cluster
 * reaches S3 through {@code s3.endpoint} on loopback; the credentials reach it by reference ({@code
 * ${env:...}} in FLINK_PROPERTIES), never in a file.
 *
 * <ul>
 *   <li>a batch run checked against DuckDB;
 *   <li>a detached streaming run stopped with a savepoint on s3:// and resumed from it without
 *       losing or duplicating a window (Kafka and Parquet);
 *   <li>fault 1 (docs/RELIABILITY.md): a TaskManager killed with {@code kill -9} mid-stream and
 *       replaced; the job recovers from its last checkpoint, and Kafka, Parquet and PostgreSQL
 *       outputs equal DuckDB's answer, the audit reconciles;
 *   <li>and last, no file the runs wrote holds the S3 secret key.
 * </ul>
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterITCase {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUNDLE = ROOT.resolve("jobs/target/flowbundle.jar");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String BUCKET = "lake";
    private static final String ACCESS_KEY_ENV = "FLOWBUNDLE_TEST_S3_ACCESS_KEY";
    private static final String SECRET_KEY_ENV = "FLOWBUNDLE_TEST_S3_SECRET_KEY";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The contract's rules (conf/contracts/sensor_events.yaml), as the oracle checks them. */
    private static final String VALID =
            "id IS NOT NULL AND type IN ('reading', 'heartbeat') AND \"timestamp\" IS NOT NULL"
                    + " AND device_id IS NOT NULL"
                    + " AND (temperature_c IS NULL OR temperature_c BETWEEN -50 AND 100)"
                    + " AND (humidity_percent IS NULL OR humidity_percent BETWEEN 0 AND 100)";

    @RegisterExtension static final S3Server S3 = new S3Server();

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension static final Postgres POSTGRES = new Postgres();

    /** The cluster's state and logs (FLOWBUNDLE_STATE). */
    @TempDir static Path state;

    /** Specs, configs, audit logs and lineage files of every run. */
    @TempDir static Path work;

    private static final Map<String, String> ENV = new LinkedHashMap<>();
    private static String rest;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(BUNDLE)
                .as("the bundle jar (mvn package builds it before integration tests)")
                .exists();
        S3.createBucket(BUCKET);
        // this JVM uploads the batch input
        FileSystems.initialize(S3.flinkConfig());
        int restPort = freePort();
        int rpcPort = freePort();
        rest = "http://127.0.0.1:" + restPort;
        ENV.put("FLOWBUNDLE_STATE", state.toString());
        ENV.put("FLINK_REST_PORT", String.valueOf(restPort));
        ENV.put("FLINK_RPC_PORT", String.valueOf(rpcPort));
        ENV.put(ACCESS_KEY_ENV, S3.accessKey());
        ENV.put(SECRET_KEY_ENV, S3.secretKey());
        ENV.put("PG_PASSWORD", POSTGRES.password());
        ENV.put("FLINK_PROPERTIES", clusterProperties());
        Result start =
                script(
                        List.of("scripts/flink-local", "start", "--taskmanagers", "2"),
                        Duration.ofMinutes(4));
        assertThat(start.exit()).as(start.output()).isZero();
        assertThat(start.output()).contains("2 TaskManager(s), 4 slots");
    }

    /**
     * The cluster's S3 settings (the credentials by reference), checkpoints and savepoints on
     * s3://, smaller TaskManagers, and quick detection of a dead TaskManager.
     */
    private static String clusterProperties() {
        Map<String, String> conf = new LinkedHashMap<>();
        Map<String, String> s3 = new LinkedHashMap<>(S3.flinkConfig());
        s3.put("s3.access-key", "${env:" + ACCESS_KEY_ENV + "}");
        s3.put("s3.secret-key", "${env:" + SECRET_KEY_ENV + "}");
        s3.keySet().removeAll(S3Server.failFast().keySet());
        conf.putAll(s3);
        conf.put("execution.checkpointing.dir", "s3://" + BUCKET + "/flink/checkpoints");
        conf.put("execution.checkpointing.savepoint-dir", "s3://" + BUCKET + "/flink/savepoints");
        conf.put("taskmanager.memory.process.size", "1600m");
        conf.put("taskmanager.memory.managed.size", "256m");
        conf.put("heartbeat.interval", "2000");
        conf.put("heartbeat.timeout", "10000");
        conf.put("restart-strategy.exponential-delay.max-backoff", "4 s");
        StringBuilder lines = new StringBuilder();
        conf.forEach((key, value) -> lines.append(key).append(": ").append(value).append('\n'));
        assertThat(lines.toString()).doesNotContain(S3.secretKey());
        return lines.toString();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        script(List.of("scripts/flink-local", "stop"), Duration.ofMinutes(2));
    }

    @Test
    @Order(1)
    void batchRunThroughFlinkRunMatchesDuckDb() throws Exception {
        Path dir = Files.createDirectories(work.resolve("batch"));
        Path input = dir.resolve("events");
        SampleData.writeParquet(
                input,
                SensorEventGenerator.Settings.defaults()
                        .withEvents(20_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01),
                "snappy");
        upload(input, "s3://" + BUCKET + "/batch/sensor-events");
        Path spec =
                onS3(
                        TestPipelines.sensorHourly(dir.resolve("spec"), input, dir.resolve("out")),
                        Map.of(
                                input.toString(), "batch/sensor-events",
                                dir.resolve("out/sensor-hourly").toString(),
                                        "batch/out/sensor-hourly",
                                dir.resolve("out/quarantine").toString(), "batch/out/quarantine",
                                dir.resolve("out/staging").toString(), "batch/out/staging"));
        Path config =
                TestPipelines.write(
                        dir.resolve("flowbundle.yaml"), "audit: {path: audit/audit.jsonl}\n");

        Result run =
                script(
                        List.of(
                                "scripts/flink",
                                "run",
                                BUNDLE.toString(),
                                "batch",
                                "--pipeline",
                                spec.toString(),
                                "--config",
                                config.toString()),
                        TIMEOUT);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("succeeded").contains("read 20000");
        try (DuckDb duck = new DuckDb()) {
            SensorOracle.assertSameResults(
                    duck,
                    SensorOracle.results(S3.objectFile(BUCKET, "batch/out/sensor-hourly")),
                    SensorOracle.expected(input + "/**/*.parquet"));
        }
        assertThat(new AuditLog(dir.resolve("audit/audit.jsonl")).read())
                .filteredOn(r -> r.step().equals("load"))
                .extracting(AuditRecord::target)
                .containsOnly("s3://" + BUCKET + "/batch/out/sensor-hourly");
    }

    @Test
    @Order(2)
    void detachedStreamingRunStoppedWithASavepointAndResumedLosesAndRepeatsNothing()
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("savepoint"));
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(21)
                        .withEvents(6_000)
                        .withDays(1)
                        .withDuplicates(0.02)
                        .withInvalid(0.01);
        SampleData.writeParquet(dir.resolve("parquet"), settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        String topic = "cluster";
        KAFKA.createTopic(topic, 2);
        KAFKA.produce(topic, events.firstHalf());
        Path spec = streamSpec(dir, topic, "savepoint", false);
        Path config = streamConfig(dir, "savepoint");
        List<String> stream =
                List.of("stream", "--pipeline", spec.toString(), "--config", config.toString());

        String job = submitDetached(List.of(), stream);
        awaitOutput(topic, rows -> !rows.isEmpty());
        Result stop =
                script(
                        List.of(
                                "scripts/flink",
                                "stop",
                                "--savepointPath",
                                "s3://" + BUCKET + "/savepoint/savepoints",
                                job),
                        TIMEOUT);
        assertThat(stop.exit()).as(stop.output()).isZero();
        Matcher savepoint =
                Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stop.output());
        assertThat(savepoint.find()).as(stop.output()).isTrue();
        assertThat(savepoint.group(1)).startsWith("s3://" + BUCKET + "/savepoint/savepoints/");
        assertThat(S3.objectFile(BUCKET, "savepoint/savepoints")).isNotEmptyDirectory();
        int beforeRestart = KAFKA.readCommitted(topic + "-out").size();

        KAFKA.produce(topic, events.secondHalf());
        SensorTopics.flushWindows(KAFKA, topic, 2, events.lastEventMillis());
        String resumed = submitDetached(List.of("-s", savepoint.group(1)), stream);
        try (DuckDb duck = new DuckDb()) {
            String expected = SensorOracle.expected(dir.resolve("parquet") + "/**/*.parquet");
            long count = duck.count("SELECT count(*) FROM (" + expected + ")");
            awaitOutput(topic, rows -> rows.size() >= count);
            List<String> output = KAFKA.readCommitted(topic + "-out");
            assertThat(beforeRestart).isPositive().isLessThan((int) count);
            assertThat(output).hasSize((int) count).doesNotHaveDuplicates();
            SensorOracle.assertSameResults(
                    duck, SensorTopics.results(output, dir.resolve("out.jsonl")), expected);
            assertParquetOnS3(duck, "savepoint/hourly", expected, count);
        } finally {
            script(List.of("scripts/flink", "cancel", resumed), TIMEOUT);
        }
    }

    /**
     * Fault 1 of docs/RELIABILITY.md: a TaskManager that runs part of a streaming job dies ({@code
     * kill -9}) after a completed checkpoint, a replacement is started; the job recovers from its
     * last checkpoint and every output is exactly the answer.
     */
    @Test
    @Order(3)
    void aTaskManagerKilledMidStreamIsReplacedAndTheJobRecoversLosingAndRepeatingNothing()
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("failover"));
        SensorEventGenerator.Settings settings =
                SensorEventGenerator.Settings.defaults()
                        .withSeed(22)
                        .withEvents(8_000)
                        .withDays(1)
                        .withDuplicates(0.03)
                        .withInvalid(0.02);
        Path input = dir.resolve("parquet");
        SampleData.writeParquet(input, settings, "snappy");
        SensorTopics.Events events = SensorTopics.generate(settings);
        String topic = "failover";
        KAFKA.createTopic(topic, 2);
        KAFKA.produce(topic, events.firstHalf());
        Path spec = streamSpec(dir, topic, "failover", true);
        Path config = streamConfig(dir, "failover");

        // attached: the client waits for the job and audits its counts when it ends
        Path clientLog = dir.resolve("client.log");
        Process client =
                start(
                        List.of(
                                "scripts/flink",
                                "run",
                                BUNDLE.toString(),
                                "stream",
                                "--pipeline",
                                spec.toString(),
                                "--config",
                                config.toString()),
                        clientLog);
        String job = null;
        try {
            job = awaitJobId(clientLog, client);
            String id = job;
            awaitOutput(topic, rows -> !rows.isEmpty());
            await(() -> completedCheckpoints(id) >= 1, "a completed checkpoint of job " + id);
            long checkpointsBefore = completedCheckpoints(id);

            String victim = taskManagerRunning(job);
            long pid = Long.parseLong(read(state.resolve("flink/" + victim + ".pid")).trim());
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            long killedAt = System.nanoTime();
            Result kill = run(List.of("kill", "-9", String.valueOf(pid)), Duration.ofSeconds(10));
            assertThat(kill.exit()).as(kill.output()).isZero();
            handle.onExit().get(30, TimeUnit.SECONDS);

            KAFKA.produce(topic, events.secondHalf());
            SensorTopics.flushWindows(KAFKA, topic, 2, events.lastEventMillis());
            Result replace =
                    script(
                            List.of("scripts/flink-local", "start", "--taskmanagers", "2"),
                            Duration.ofMinutes(2));
            assertThat(replace.exit()).as(replace.output()).isZero();
            assertThat(replace.output())
                    .contains("started " + victim)
                    .doesNotContain("started jobmanager");

            try (DuckDb duck = new DuckDb()) {
                String expected = SensorOracle.expected(input + "/**/*.parquet");
                long count = duck.count("SELECT count(*) FROM (" + expected + ")");
                awaitOutput(topic, rows -> rows.size() >= count);
                List<String> output = KAFKA.readCommitted(topic + "-out");
                assertThat(output).hasSize((int) count).doesNotHaveDuplicates();
                SensorOracle.assertSameResults(
                        duck, SensorTopics.results(output, dir.resolve("out.jsonl")), expected);
                assertParquetOnS3(duck, "failover/hourly", expected, count);
                long recovered = (System.nanoTime() - killedAt) / 1_000_000;

                // the job failed over once the TaskManager was gone, and restored a checkpoint
                JsonNode restored = get("/jobs/" + job + "/checkpoints").path("latest");
                assertThat(restored.path("restored").isObject())
                        .as("a restored checkpoint in %s", restored)
                        .isTrue();
                assertThat(restored.path("restored").path("id").asLong())
                        .isGreaterThanOrEqualTo(checkpointsBefore);
                System.out.printf(
                        "fault 1: killed %s (pid %d) after %d checkpoint(s); restored checkpoint %d;"
                                + " all %d windows in Kafka and on S3 %d ms after the kill%n",
                        victim,
                        pid,
                        checkpointsBefore,
                        restored.path("restored").path("id").asLong(),
                        count,
                        recovered);
                assertThat(
                                get("/jobs/" + job + "/exceptions")
                                        .path("exceptionHistory")
                                        .path("entries"))
                        .as("the job's failures")
                        .isNotEmpty();

                // every distinct valid event landed once in PostgreSQL (and the two flush events)
                Set<String> valid = new HashSet<>();
                duck.query("SELECT DISTINCT id FROM " + DuckDb.parquet(input) + " WHERE " + VALID)
                        .forEach(row -> valid.add((String) row.get("id")));
                valid.addAll(List.of("flush-0", "flush-1"));
                assertThat(POSTGRES.count("SELECT count(*) FROM failover_events"))
                        .isEqualTo(valid.size());
                Set<String> landed = new HashSet<>();
                POSTGRES.query("SELECT id FROM failover_events")
                        .forEach(row -> landed.add((String) row.get("id")));
                assertThat(landed).isEqualTo(valid);
            }

            // stop the job; the attached client then audits the run's counts
            Result stop =
                    script(
                            List.of(
                                    "scripts/flink",
                                    "stop",
                                    "--savepointPath",
                                    "s3://" + BUCKET + "/failover/savepoints",
                                    job),
                            TIMEOUT);
            assertThat(stop.exit()).as(stop.output()).isZero();
            assertThat(client.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the attached client ends with its job")
                    .isTrue();
            job = null;
            List<AuditRecord> audit = new AuditLog(dir.resolve("audit/audit.jsonl")).read();
            List<AuditRecord> counted = audit.stream().filter(r -> r.rowsIn() != null).toList();
            assertThat(counted).as("%s\n%s", audit, read(clientLog)).isNotEmpty();
            assertThat(counted).allMatch(AuditRecord::reconciles, "reconciles");
            long produced = events.records().size() + 2;
            assertThat(counted)
                    .filteredOn(r -> r.step().equals("run"))
                    .singleElement()
                    .satisfies(
                            run -> {
                                assertThat(run.rowsIn()).as("consumed").isEqualTo(produced);
                                assertThat(run.status()).isEqualTo(AuditRecord.SUCCEEDED);
                            });
        } finally {
            if (job != null) {
                script(List.of("scripts/flink", "cancel", job), TIMEOUT);
            }
            client.destroy();
            if (!client.waitFor(30, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        }
    }

    /** Last: the S3 secret key is in no file the runs wrote (logs, audit, lineage, objects). */
    @Test
    @Order(4)
    void noFileTheRunsWroteHoldsTheS3SecretKey() throws IOException {
        assertThat(state.resolve("flink/log/flink-taskmanager-2.log")).exists();
        assertThat(state.resolve("flink/log/flink-client.log")).exists();
        List<Path> written = new ArrayList<>();
        for (Path dir : List.of(state, work, S3.objectFile(BUCKET, ""))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile)
                        .filter(file -> !file.startsWith(state.resolve("flink/lib")))
                        .filter(file -> !file.startsWith(state.resolve("flink/plugins")))
                        .forEach(written::add);
            }
        }
        assertThat(written)
                .extracting(file -> file.getFileName().toString())
                .anyMatch(name -> name.startsWith("audit"))
                .anyMatch(name -> name.startsWith("lineage"));
        String secret = S3.secretKey();
        assertThat(written)
                .as("files the runs wrote that hold the S3 secret key")
                .filteredOn(file -> contains(file, secret))
                .isEmpty();
    }

    /** The streaming spec with its Parquet sink and landing under {@code s3://lake/<prefix>/}. */
    private static Path streamSpec(Path dir, String topic, String prefix, boolean postgres) {
        Path file = TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), topic);
        String landing = dir.resolve("stream/landing").toString();
        String text = read(file);
        if (postgres) {
            text =
                    text.replace(
                            "staging: {path: " + landing + "}",
                            "staging: {type: postgres, url: '"
                                    + POSTGRES.url()
                                    + "', table: "
                                    + topic
                                    + "_events, user: "
                                    + Postgres.USER
                                    + ", password: '${env:PG_PASSWORD}', batch_size: 200,"
                                    + " flush_interval: 200 ms}");
            assertThat(text).contains("staging: {type: postgres");
            TestPipelines.write(file, text);
            return onS3(file, Map.of(dir.resolve("stream/hourly").toString(), prefix + "/hourly"));
        }
        return onS3(
                file,
                Map.of(
                        dir.resolve("stream/hourly").toString(),
                        prefix + "/hourly",
                        landing,
                        prefix + "/landing"));
    }

    /** Fast checkpoints under {@code s3://lake/<prefix>/checkpoints}, audit in {@code dir}. */
    private static Path streamConfig(Path dir, String prefix) {
        return TestPipelines.write(
                dir.resolve("flowbundle.yaml"),
                "audit: {path: audit/audit.jsonl}\n"
                        + "flink:\n"
                        + "  execution.checkpointing.interval: 1 s\n"
                        + "  execution.checkpointing.dir: s3://"
                        + BUCKET
                        + "/"
                        + prefix
                        + "/checkpoints\n");
    }

    /** Rewrites a spec's local paths (keys) to {@code s3://lake/<value>}. */
    private static Path onS3(Path spec, Map<String, String> paths) {
        String text = read(spec);
        for (Map.Entry<String, String> path : paths.entrySet()) {
            assertThat(text).contains(path.getKey());
            text = text.replace(path.getKey(), "s3://" + BUCKET + "/" + path.getValue());
        }
        assertThat(text).doesNotContain(spec.getParent().getParent().toString() + "/out");
        return TestPipelines.write(spec, text);
    }

    /** The Parquet output under {@code prefix} of the blob store is the answer, once complete. */
    private static void assertParquetOnS3(DuckDb duck, String prefix, String expected, long count)
            throws InterruptedException {
        Path files = S3.objectFile(BUCKET, prefix);
        String results = SensorOracle.results(files);
        await(
                () -> {
                    try {
                        return duck.count("SELECT count(*) FROM (" + results + ")") >= count;
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                },
                count + " rows in " + files);
        SensorOracle.assertSameResults(duck, results, expected);
    }

    private static String submitDetached(List<String> options, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/flink", "run", "-d"));
        command.addAll(options);
        command.add(BUNDLE.toString());
        command.addAll(args);
        Result submit = script(command, TIMEOUT);
        assertThat(submit.exit()).as(submit.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(submit.output());
        assertThat(id.find()).as(submit.output()).isTrue();
        return id.group(1);
    }

    private static String awaitJobId(Path log, Process client) throws InterruptedException {
        Pattern id = Pattern.compile("JobID ([0-9a-f]{32})");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher found = id.matcher(read(log));
            if (found.find()) {
                return found.group(1);
            }
            if (!client.isAlive()) {
                throw new AssertionError("the client ended before its job:\n" + read(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no job id within " + TIMEOUT + ":\n" + read(log));
    }

    private static long completedCheckpoints(String job) {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    /**
     * A TaskManager (its resource id = its name in scripts/flink-local) running the job's tasks.
     */
    private static String taskManagerRunning(String job) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            for (JsonNode tm :
                    get("/jobs/"
                                    + job
                                    + "/vertices/"
                                    + vertex.path("id").asText()
                                    + "/taskmanagers")
                            .path("taskmanagers")) {
                names.add(tm.path("taskmanager-id").asText());
            }
        }
        assertThat(names).isNotEmpty().allMatch(name -> name.startsWith("taskmanager"));
        return names.iterator().next();
    }

    private static JsonNode get(String path) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(rest + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT + ": " + what);
            }
            Thread.sleep(250);
        }
    }

    private static void awaitOutput(String topic, Predicate<List<String>> done)
            throws InterruptedException {
        SensorTopics.await(KAFKA, topic + "-out", done, TIMEOUT);
    }

    /** Copies a local folder's files to {@code prefix} through Flink's file system. */
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
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private record Result(int exit, String output) {}

    /** Starts one of the repository's scripts with this class's cluster environment. */
    private static Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().putAll(ENV);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Runs one of the repository's scripts with this class's cluster environment. */
    private static Result script(List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        return run(command, timeout);
    }

    private static Result run(List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(state, "script", ".log");
        Process process = start(command, log);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    command + " did not finish within " + timeout + ":\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
