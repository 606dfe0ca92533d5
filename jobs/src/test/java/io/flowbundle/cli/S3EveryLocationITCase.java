package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.config.ConfigException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.jobs.BatchRun;
import io.flowbundle.jobs.StreamRun;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.CapturedLogs;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.KafkaBroker;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.S3Server;
import io.flowbundle.testing.SensorOracle;
import io.flowbundle.testing.SensorTopics;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pipeline with every location on S3 (S3Proxy): source, sinks, quarantine, staging, the audit
 * log, the lineage file, the run logs and the checkpoints. In batch and in streaming (bounded
 * Kafka) it gives its local twin's counts, audit and lineage; the governance commands (contract
 * check, retention, lineage trace, audit) read and clean it through the CLI as they do local
 * datasets; no file or object the runs wrote, and no line they logged, holds the secret key; and
 * bad S3 settings stop a run before its job in one line naming the key, within 30 s.
 */
class S3EveryLocationITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final String TOPIC = "s3-every";

    private static final SensorEventGenerator.Settings EVENTS =
            SensorEventGenerator.Settings.defaults()
                    .withSeed(11)
                    .withEvents(10_000)
                    .withDays(1)
                    .withDuplicates(0.03)
                    .withInvalid(0.02);

    @TempDir static Path shared;
    private static Path localInput;
    private static Path secretFile;
    private static long produced;
    private static DuckDb duck;

    @BeforeAll
    static void inputsOnS3AndKafka() throws Exception {
        S3.createBucket("lake");
        // the MiniCluster's tasks run in this JVM and share its file systems
        FileSystems.initialize(S3.flinkConfig());
        localInput = shared.resolve("input/sensor-events");
        SampleData.writeParquet(localInput, EVENTS, "zstd");
        upload(localInput, "s3://lake/sensor-events");
        KAFKA.createTopic(TOPIC, 2);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        SensorEventGenerator generator = new SensorEventGenerator(EVENTS);
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            records.add(Map.entry(event.deviceId(), event.json()));
        }
        KAFKA.produce(TOPIC, records);
        produced = records.size();
        // the user's secret, referenced from the config (the one file allowed to hold it)
        secretFile = shared.resolve("input/s3-secret");
        Files.writeString(secretFile, S3.secretKey());
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @AfterEach
    void goodSettingsAgain() {
        FileSystems.initialize(S3.flinkConfig());
    }

    @Test
    void batchOnS3MatchesItsLocalTwinAndTheGovernanceCommandsWorkOnIt(@TempDir Path dir)
            throws Exception {
        Path localDir = dir.resolve("local");
        Path localSpec =
                TestPipelines.sensorHourly(
                        localDir.resolve("spec"), localInput, localDir.resolve("out"));
        String base = "s3://lake/batch";
        Path s3Spec = s3BatchSpec(dir, base);
        Path conf = s3Config(dir, base);
        RuntimeConfig config = RuntimeConfig.load(conf);
        String contract = TestPipelines.CONF.resolve("contracts/sensor_events.yaml").toString();

        List<String> logged = new ArrayList<>();
        BatchRun.Summary local;
        BatchRun.Summary s3;
        Cli schedule;
        Cli localCheck;
        Cli s3Check;
        Cli localPlan;
        Cli s3Plan;
        Cli applied;
        Cli trace;
        List<FileStatus> expiredAfterwards;
        Cli auditRuns;
        try (CapturedLogs flowbundle = CapturedLogs.of("io.flowbundle", Level.DEBUG);
                CapturedLogs flink = CapturedLogs.of("org.apache.flink", Level.INFO);
                CapturedLogs hadoop = CapturedLogs.of("org.apache.hadoop", Level.INFO)) {
            local =
                    new BatchRun(SpecLoader.load(localSpec), TestPipelines.runtime(localDir), null)
                            .run();
            s3 = new BatchRun(SpecLoader.load(s3Spec), config, null).run();
            localCheck =
                    Cli.run(
                            "contract",
                            "check",
                            contract,
                            localDir.resolve("out/staging").toString(),
                            "--format",
                            "json");
            s3Check =
                    Cli.run(
                            "contract",
                            "check",
                            contract,
                            base + "/out/staging",
                            "--config",
                            conf.toString(),
                            "--format",
                            "json");
            localPlan =
                    Cli.run(
                            "retention",
                            "apply",
                            "--pipeline",
                            localSpec.toString(),
                            "--today",
                            "2026-12-15");
            s3Plan =
                    Cli.run(
                            "retention",
                            "apply",
                            "--pipeline",
                            s3Spec.toString(),
                            "--today",
                            "2026-12-15",
                            "--config",
                            conf.toString());
            applied =
                    Cli.run(
                            "retention",
                            "apply",
                            "--apply",
                            "--pipeline",
                            s3Spec.toString(),
                            "--today",
                            "2026-12-15",
                            "--config",
                            conf.toString());
            expiredAfterwards =
                    FileTrees.listFiles(
                            new org.apache.flink.core.fs.Path(
                                    base + "/out/staging/date=2026-11-01"));
            trace =
                    Cli.run(
                            "lineage",
                            "trace",
                            base + "/out/sensor-hourly",
                            "--config",
                            conf.toString());
            schedule =
                    Cli.run(
                            "run-schedule",
                            "--pipeline",
                            s3Spec.toString(),
                            "--date",
                            "2026-11-01",
                            "--config",
                            conf.toString());
            auditRuns =
                    Cli.run(
                            "audit",
                            "--config",
                            conf.toString(),
                            "--step",
                            "run",
                            "--format",
                            "json");
            for (CapturedLogs logs : List.of(flowbundle, flink, hadoop)) {
                logs.lines().forEach(line -> logged.add(line.message()));
            }
        }

        // the same run, on S3: the same answer and counts as on disk
        SensorOracle.assertSameResults(
                duck,
                SensorOracle.results(S3.objectFile("lake", "batch/out/sensor-hourly")),
                SensorOracle.expected(localInput + "/**/*.parquet"));
        assertThat(s3.counts()).isEqualTo(local.counts());
        assertThat(s3.counts().reconciles()).isTrue();

        // the audit log is a prefix of objects, one per append, read back as one log
        assertThat(S3.objectFile("lake", "batch/audit/audit.jsonl")).isDirectory();
        List<AuditRecord> audit = new AuditLog(config.audit()).read();
        List<AuditRecord> localAudit = new AuditLog(localDir.resolve("audit/audit.jsonl")).read();
        assertThat(steps(audit, s3.run().runId()))
                .isNotEmpty()
                .isEqualTo(steps(localAudit, local.run().runId()));
        assertThat(audit)
                .filteredOn(r -> r.step().equals("load"))
                .extracting(AuditRecord::target)
                .containsOnly(base + "/out/sensor-hourly");

        // the lineage file likewise, with OpenLineage's names for S3
        List<String> lineage =
                lines(new org.apache.flink.core.fs.Path(base + "/lineage/lineage.jsonl"));
        List<String> localLineage = Files.readAllLines(localDir.resolve("lineage/lineage.jsonl"));
        assertThat(eventTypes(lineage, s3.run().runId()))
                .isNotEmpty()
                .isEqualTo(eventTypes(localLineage, local.run().runId()));
        assertThat(String.join("\n", lineage))
                .contains(
                        "\"namespace\":\"s3://lake\"",
                        "\"name\":\"batch/out/sensor-hourly\"",
                        "\"name\":\"batch/out/staging\"",
                        "\"name\":\"sensor-events\"");

        // a scheduled run: its run log is one object beside the audit prefix
        assertThat(schedule.exit()).as(schedule.err()).isZero();
        List<FileStatus> runLogs =
                FileTrees.listFiles(new org.apache.flink.core.fs.Path(base + "/runs"));
        assertThat(runLogs).hasSize(1);
        assertThat(read(runLogs.get(0).getPath()))
                .contains("2026-11-01 sensor-hourly: succeeded on attempt 1")
                .contains("schedule run")
                .endsWith("succeeded\n");

        // contract check reads the S3 staging layer as it reads the local one
        assertThat(s3Check.exit()).as(s3Check.err()).isEqualTo(localCheck.exit());
        JsonNode s3Report = AuditLog.json().readTree(s3Check.out());
        JsonNode localReport = AuditLog.json().readTree(localCheck.out());
        for (String field :
                List.of(
                        "files_checked",
                        "files_with_problems",
                        "rows_checked",
                        "rows_with_violations",
                        "violations")) {
            assertThat(s3Report.get(field)).as(field).isEqualTo(localReport.get(field));
        }
        assertThat(s3Report.get("rows_checked").asLong()).isPositive();
        assertThat(s3Report.get("path").asText()).isEqualTo(base + "/out/staging");

        // retention: the same plan as for the local twin, then applied by prefix
        assertThat(s3Plan.exit()).as(s3Plan.err()).isZero();
        assertThat(withoutSizes(s3Plan.out()).replace(base + "/out", "OUT"))
                .contains("would delete date=2026-11-01")
                .isEqualTo(
                        withoutSizes(localPlan.out())
                                .replace(localDir.resolve("out").toString(), "OUT"));
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("deleted date=2026-11-01");
        assertThat(expiredAfterwards).extracting(f -> f.getPath() + " " + f.getLen()).isEmpty();
        assertThat(
                        FileTrees.listFiles(
                                new org.apache.flink.core.fs.Path(base + "/out/sensor-hourly")))
                .as("the output's 365 days keep it")
                .isNotEmpty();
        assertThat(new AuditLog(config.audit()).read())
                .filteredOn(r -> r.step().equals("retention"))
                .extracting(AuditRecord::target)
                .contains(base + "/out/staging");
        assertThat(
                        String.join(
                                "\n",
                                lines(
                                        new org.apache.flink.core.fs.Path(
                                                base + "/lineage/lineage.jsonl"))))
                .contains("retention:sensor-hourly", "TRUNCATE");

        // lineage trace follows the S3 dataset back to its raw source
        assertThat(trace.exit()).as(trace.err()).isZero();
        assertThat(trace.out())
                .startsWith(new Datasets.Id("s3://lake", "batch/out/sensor-hourly").toString())
                .contains("s3://lake:sensor-events  [raw source");

        // the audit command reads the same log: this run, the scheduled one
        assertThat(auditRuns.exit()).as(auditRuns.err()).isZero();
        assertThat(auditRuns.out()).contains(s3.run().runId());
        assertThat(auditRuns.out().lines().count()).isGreaterThanOrEqualTo(2);

        assertNoSecretIn(logged, dir, S3.objectFile("lake", "batch"));
    }

    @Test
    void streamingOnS3MatchesItsLocalTwin(@TempDir Path dir) throws Exception {
        Path localDir = dir.resolve("local");
        String base = "s3://lake/stream";
        Path localSpec = streamSpec(localDir, localDir.resolve("out").toString(), "local");
        Path s3Spec = streamSpec(dir.resolve("s3"), base + "/out", "s3");
        RuntimeConfig config = RuntimeConfig.load(s3Config(dir, base));

        List<String> logged = new ArrayList<>();
        StreamRun.Summary local;
        StreamRun.Summary s3;
        try (CapturedLogs flowbundle = CapturedLogs.of("io.flowbundle", Level.DEBUG);
                CapturedLogs flink = CapturedLogs.of("org.apache.flink", Level.INFO);
                CapturedLogs hadoop = CapturedLogs.of("org.apache.hadoop", Level.INFO)) {
            local =
                    new StreamRun(
                                    SpecLoader.load(localSpec),
                                    TestPipelines.streaming(localDir),
                                    true,
                                    Duration.ofSeconds(5))
                            .run();
            s3 = new StreamRun(SpecLoader.load(s3Spec), config, true, Duration.ofSeconds(5)).run();
            for (CapturedLogs logs : List.of(flowbundle, flink, hadoop)) {
                logs.lines().forEach(line -> logged.add(line.message()));
            }
        }

        assertThat(s3.status()).isEqualTo(AuditRecord.SUCCEEDED);
        assertThat(s3.counts()).isEqualTo(local.counts());
        assertThat(s3.counts().reconciles()).isTrue();
        assertThat(s3.counts().consumed()).isEqualTo(produced);
        String expected = SensorOracle.expected(localInput + "/**/*.parquet");
        SensorOracle.assertSameResults(
                duck, SensorOracle.results(S3.objectFile("lake", "stream/out/hourly")), expected);
        // exactly-once Kafka output commits only at checkpoints, which went to S3
        SensorOracle.assertSameResults(
                duck,
                SensorTopics.results(
                        KAFKA.readCommitted(TOPIC + "-s3-out"), dir.resolve("kafka-out.jsonl")),
                expected);
        assertThat(S3.objectFile("lake", "stream/checkpoints")).as("checkpoints on S3").exists();
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + DuckDb.parquet(
                                                S3.objectFile("lake", "stream/out/landing"))))
                .isPositive()
                .isEqualTo(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + DuckDb.parquet(localDir.resolve("out/landing"))));
        assertThat(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + DuckDb.parquet(
                                                S3.objectFile("lake", "stream/out/quarantine"))))
                .isPositive()
                .isEqualTo(
                        duck.count(
                                "SELECT count(*) FROM "
                                        + DuckDb.parquet(localDir.resolve("out/quarantine"))));

        List<AuditRecord> audit = new AuditLog(config.audit()).read();
        List<AuditRecord> localAudit = new AuditLog(localDir.resolve("audit/audit.jsonl")).read();
        assertThat(steps(audit, s3.run().runId()))
                .isNotEmpty()
                .isEqualTo(steps(localAudit, local.run().runId()));
        List<String> lineage =
                lines(new org.apache.flink.core.fs.Path(base + "/lineage/lineage.jsonl"));
        // RUNNING events come every progress interval: how many depends on how long a run takes
        assertThat(withoutRunning(eventTypes(lineage, s3.run().runId())))
                .containsExactly("START", "COMPLETE")
                .isEqualTo(
                        withoutRunning(
                                eventTypes(
                                        Files.readAllLines(
                                                localDir.resolve("lineage/lineage.jsonl")),
                                        local.run().runId())));
        assertThat(String.join("\n", lineage))
                .contains(
                        "\"namespace\":\"s3://lake\"",
                        "\"name\":\"stream/out/hourly\"",
                        "\"name\":\"stream/out/landing\"");

        assertNoSecretIn(logged, dir, S3.objectFile("lake", "stream"));
    }

    @Test
    void badObjectStorageSettingsStopARunBeforeItsJobInOneLineNamingTheKey(@TempDir Path dir)
            throws Exception {
        Path conf = s3Config(dir, "s3://lake/bad");
        Path spec = streamSpec(dir.resolve("s3"), "s3://lake/bad/out", "bad");
        String text = TestPipelines.read(conf);

        // checkpoints in a bucket that does not exist, or on a scheme nobody serves
        assertStreamFails(
                spec,
                write(
                        dir,
                        "no-bucket",
                        text.replace("s3://lake/bad/checkpoints", "s3://no-such-bucket/chk")),
                FlowbundleException.class,
                "flink.execution.checkpointing.dir",
                "bucket 'no-such-bucket' does not exist");
        assertStreamFails(
                spec,
                write(dir, "gs2", text.replace("s3://lake/bad/checkpoints", "gs2://lake/chk")),
                ConfigException.class,
                "flink.execution.checkpointing.dir",
                "no file system for scheme 'gs2'");
        // the audit log in a bucket that does not exist, in both modes
        Path noAuditBucket =
                write(
                        dir,
                        "no-audit-bucket",
                        text.replace("s3://lake/bad/audit", "s3://no-such-bucket/audit"));
        assertStreamFails(
                spec,
                noAuditBucket,
                FlowbundleException.class,
                "audit.path",
                "bucket 'no-such-bucket' does not exist");
        assertBatchFails(
                s3BatchSpec(dir, "s3://lake/bad"),
                noAuditBucket,
                "audit.path",
                "bucket 'no-such-bucket' does not exist");
        // wrong credentials, and a server that does not answer
        FileSystems.initialize(S3Server.flinkConfig(S3.endpoint(), S3.accessKey(), "wrong-secret"));
        assertStreamFails(
                spec, conf, FlowbundleException.class, "audit.path", "access denied (403)");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FileSystems.initialize(
                S3Server.flinkConfig(
                        "http://127.0.0.1:" + closedPort, S3.accessKey(), S3.secretKey()));
        assertStreamFails(spec, conf, FlowbundleException.class, "audit.path", "does not answer");
        // a batch run takes its lock beside the first dataset first: that names the sink's key
        assertBatchFails(s3BatchSpec(dir, "s3://lake/bad"), conf, "sink.path", "does not answer");
        // and the lineage trace of a prefix on it: one line, exit 1
        Cli trace =
                Cli.run(
                        "lineage",
                        "trace",
                        "s3://lake/bad/out/hourly",
                        "--log",
                        "s3://no-such-bucket/lineage/lineage.jsonl",
                        "--config",
                        conf.toString());
        assertThat(trace.exit()).isEqualTo(1);
        assertThat(trace.err().strip())
                .contains("bucket 'no-such-bucket' does not exist")
                .doesNotContain("\n")
                .doesNotContain(S3.secretKey());
    }

    private static void assertStreamFails(
            Path spec, Path conf, Class<? extends Exception> type, String key, String what) {
        long started = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                new StreamRun(
                                                SpecLoader.load(spec),
                                                RuntimeConfig.load(conf),
                                                true,
                                                Duration.ofSeconds(5))
                                        .run())
                .isInstanceOf(type)
                .satisfies(e -> assertOneLine(e, conf + ": " + key, what));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));
    }

    private static void assertBatchFails(Path spec, Path conf, String key, String what) {
        long started = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                new BatchRun(SpecLoader.load(spec), RuntimeConfig.load(conf), null)
                                        .run())
                .isInstanceOf(FlowbundleException.class)
                .satisfies(
                        e ->
                                assertOneLine(
                                        e,
                                        (key.equals("sink.path") ? spec : conf) + ": " + key,
                                        what));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(30));
    }

    private static void assertOneLine(Throwable e, String where, String what) {
        assertThat(e.getMessage())
                .contains(where)
                .contains(what)
                .doesNotContain("\n")
                .doesNotContain(S3.secretKey());
    }

    /** The sensor-hourly batch spec with every dataset under {@code base} (its source shared). */
    private static Path s3BatchSpec(Path dir, String base) {
        Path unused = dir.resolve("unused");
        String spec =
                TestPipelines.read(
                                TestPipelines.sensorHourly(dir.resolve("s3"), localInput, unused))
                        .replace("path: " + localInput + "}", "path: s3://lake/sensor-events}")
                        .replace(
                                "path: " + unused.resolve("sensor-hourly"),
                                "path: " + base + "/out/sensor-hourly")
                        .replace(
                                "quarantine: " + unused.resolve("quarantine"),
                                "quarantine: " + base + "/out/quarantine")
                        .replace(
                                "path: " + unused.resolve("staging"),
                                "path: " + base + "/out/staging");
        assertThat(spec).doesNotContain(unused.toString());
        return TestPipelines.write(dir.resolve("s3/sensor-hourly.yaml"), spec);
    }

    /**
     * The streaming spec writing Parquet (output, landing, quarantine) under {@code out} and its
     * Kafka output to a topic of its own.
     */
    private static Path streamSpec(Path dir, String out, String name) {
        Path stream = dir.resolve("stream");
        String spec =
                TestPipelines.read(TestPipelines.sensorHourlyStream(dir, KAFKA.bootstrap(), TOPIC))
                        .replace(
                                "topic: " + TOPIC + "-out", "topic: " + TOPIC + "-" + name + "-out")
                        .replace("path: " + stream.resolve("hourly"), "path: " + out + "/hourly")
                        .replace("path: " + stream.resolve("landing"), "path: " + out + "/landing")
                        .replaceFirst(
                                "quarantine: \\{type: kafka[^}]*}",
                                "quarantine: " + out + "/quarantine");
        assertThat(spec).doesNotContain(stream.toString()).contains(out + "/quarantine");
        return TestPipelines.write(dir.resolve("stream-spec.yaml"), spec);
    }

    /**
     * conf/flowbundle.yaml as a user on S3 writes it: audit log, lineage (beside it by default) and
     * checkpoints under {@code base}, the S3 settings in {@code flink:}, the secret by reference.
     */
    private static Path s3Config(Path dir, String base) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("audit: {path: ").append(base).append("/audit/audit.jsonl}\n");
        yaml.append("actor: test\nflink:\n");
        Map<String, String> flink = new LinkedHashMap<>(S3.flinkConfig());
        flink.put("s3.secret-key", "${file:" + secretFile + "}");
        flink.put("parallelism.default", "2");
        flink.put("execution.checkpointing.interval", "1 s");
        flink.put("execution.checkpointing.dir", base + "/checkpoints");
        flink.forEach((k, v) -> yaml.append("  ").append(k).append(": '").append(v).append("'\n"));
        return TestPipelines.write(dir.resolve("conf/flowbundle.yaml"), yaml.toString());
    }

    private static Path write(Path dir, String name, String text) {
        return TestPipelines.write(dir.resolve("conf/" + name + ".yaml"), text);
    }

    /** A run's audit records as (step, status, rows in, rows out, rejected), in order. */
    private static List<String> steps(List<AuditRecord> audit, String runId) {
        return audit.stream()
                .filter(r -> r.runId().equals(runId))
                .map(
                        r ->
                                r.step()
                                        + " "
                                        + r.status()
                                        + " "
                                        + r.rowsIn()
                                        + " "
                                        + r.rowsOut()
                                        + " "
                                        + r.rowsRejected())
                .toList();
    }

    /** The event types of one run's lineage events, in order. */
    private static List<String> eventTypes(List<String> lines, String runId) throws IOException {
        List<String> types = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = AuditLog.json().readTree(line);
            if (event.path("run").path("runId").asText().equals(runId)) {
                types.add(event.path("eventType").asText());
            }
        }
        return types;
    }

    private static List<String> withoutRunning(List<String> types) {
        return types.stream().filter(type -> !type.equals("RUNNING")).toList();
    }

    private static List<String> lines(org.apache.flink.core.fs.Path log) throws IOException {
        return new io.flowbundle.fs.AppendOnlyLog(log).readLines();
    }

    private static String read(org.apache.flink.core.fs.Path object) throws IOException {
        try (var in = object.getFileSystem().open(object)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A retention report without its file counts and bytes, which depend on how files split. */
    private static String withoutSizes(String text) {
        return text.replaceAll("\\(\\d+ file\\(s\\), \\d+ bytes\\)", "(...)")
                .replaceAll("\\d+ file\\(s\\), \\d+ bytes", "...");
    }

    /** No logged line, and no file below {@code folders}, holds the secret key. */
    private static void assertNoSecretIn(List<String> logged, Path... folders) throws IOException {
        String secret = S3.secretKey();
        assertThat(logged)
                .as("lines the runs logged")
                .isNotEmpty()
                .noneMatch(l -> l.contains(secret));
        List<Path> found = new ArrayList<>();
        for (Path folder : folders) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                            .contains(secret)) {
                        found.add(file);
                    }
                }
            }
        }
        assertThat(found).as("files and objects the runs wrote that hold the secret key").isEmpty();
    }

    /** Copies a local folder's files below {@code prefix}, as an upload would. */
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
}
