package io.flowbundle.cli;

import static io.flowbundle.testing.DuckDb.parquet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.TestPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governance commands through {@link Main#execute}, on the output of a real batch run of the
 * sample pipeline (started through the CLI too): exit codes, what they print, what they change.
 */
class GovernanceCliITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    private static final Path EVENTS_CONTRACT =
            TestPipelines.CONF.resolve("contracts/sensor_events.yaml");
    private static final Path HOURLY_CONTRACT =
            TestPipelines.CONF.resolve("contracts/sensor_hourly.yaml");

    @TempDir static Path shared;
    private static Path input;
    private static Path out;
    private static Path spec;
    private static Path config;
    private static Path lineage;
    private static SampleData.Counts generated;
    private static DuckDb duck;

    @BeforeAll
    static void runThePipelineOnce() {
        input = shared.resolve("data/sensor-events");
        generated =
                SampleData.writeParquet(
                        input,
                        SensorEventGenerator.Settings.defaults()
                                .withEvents(6_000)
                                .withDays(2)
                                .withInvalid(0.02),
                        "snappy");
        out = shared.resolve("out");
        spec = TestPipelines.sensorHourly(shared.resolve("conf/pipelines"), input, out);
        lineage = shared.resolve("lineage/lineage.jsonl");
        config =
                TestPipelines.write(
                        shared.resolve("conf/flowbundle.yaml"),
                        "audit: {path: "
                                + shared.resolve("audit/audit.jsonl")
                                + "}\n"
                                + "actor: test\n"
                                + "flink: {parallelism.default: 2}\n"
                                + "lineage: {namespace: it, transport: {type: file, location: "
                                + lineage
                                + "}}\n");
        assertThat(
                        Main.execute(
                                "batch",
                                "--pipeline",
                                spec.toString(),
                                "--config",
                                config.toString()))
                .isZero();
        duck = new DuckDb();
    }

    @AfterAll
    static void closeOracle() throws Exception {
        duck.close();
    }

    @Test
    void contractCheckCountsTheInputsViolationsAndPassesTheOutputs() throws Exception {
        Cli input =
                cli(
                        "contract",
                        "check",
                        EVENTS_CONTRACT.toString(),
                        GovernanceCliITCase.input.toString());

        assertThat(input.exit()).isEqualTo(1);
        assertThat(input.err()).isEmpty();
        long noDevice =
                duck.count(
                        "SELECT count(*) FROM "
                                + parquet(GovernanceCliITCase.input)
                                + " WHERE device_id IS NULL");
        long hot =
                duck.count(
                        "SELECT count(*) FROM "
                                + parquet(GovernanceCliITCase.input)
                                + " WHERE temperature_c NOT BETWEEN -50 AND 100");
        assertThat(noDevice + hot).isEqualTo(generated.of(SensorEventGenerator.Kind.INVALID));
        assertThat(input.out())
                .contains(
                        "rows checked: "
                                + generated.total()
                                + " ("
                                + (noDevice + hot)
                                + " with violations)")
                .containsPattern("required:device_id +" + noDevice + "  device_id is present\n")
                .containsPattern("range:temperature_c +" + hot + "  temperature_c within")
                .contains("      e.g. date=2026-11-0")
                .contains(
                        "result: 0 file(s) with schema problems, "
                                + (noDevice + hot)
                                + " rule violation(s)");

        Cli hourly =
                cli(
                        "contract",
                        "check",
                        HOURLY_CONTRACT.toString(),
                        out.resolve("sensor-hourly").toString(),
                        "--format",
                        "json");
        assertThat(hourly.exit()).isZero();
        JsonNode report = AuditLog.json().readTree(hourly.out());
        assertThat(report.get("clean").asBoolean()).isTrue();
        assertThat(report.get("rows_checked").asLong())
                .isEqualTo(
                        duck.count(
                                "SELECT count(*) FROM " + parquet(out.resolve("sensor-hourly"))));

        Cli staging =
                cli(
                        "contract",
                        "check",
                        EVENTS_CONTRACT.toString(),
                        out.resolve("staging").toString());
        assertThat(staging.exit()).isZero();
        assertThat(staging.out()).endsWith("result: clean\n");
    }

    @Test
    void contractCheckUsageErrorsExitTwoWithOneLine() {
        Cli missing =
                cli(
                        "contract",
                        "check",
                        EVENTS_CONTRACT.toString(),
                        shared.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err())
                .isEqualTo(
                        "error: "
                                + shared.resolve("nope")
                                + ": no such file or folder; give a Parquet file or a folder of them\n");

        Cli noContract =
                cli("contract", "check", shared.resolve("nope.yaml").toString(), input.toString());
        assertThat(noContract.exit()).isEqualTo(2);
        assertThat(noContract.err())
                .isEqualTo("error: " + shared.resolve("nope.yaml") + ": file not found\n");

        Cli format =
                cli(
                        "contract",
                        "check",
                        EVENTS_CONTRACT.toString(),
                        input.toString(),
                        "--format",
                        "xml");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).startsWith("Invalid value for option '--format'");
    }

    @Test
    void contractDiffClassifiesChangesAndRefusesABreakingChangeWithoutABump(@TempDir Path dir)
            throws IOException {
        String current = Files.readString(EVENTS_CONTRACT);
        Path breaking =
                TestPipelines.write(
                        dir.resolve("breaking.yaml"),
                        current.replace(
                                        "  - {name: humidity_percent, type: double, min: 0, max: 100}\n",
                                        "")
                                + "  - {name: firmware, type: string}\n");

        Cli refused = cli("contract", "diff", EVENTS_CONTRACT.toString(), breaking.toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out())
                .isEqualTo(
                        "contract sensor_events: schema_version 1 -> 1\n"
                                + "  breaking    column 'humidity_percent' removed\n"
                                + "  compatible  new optional column 'firmware' (string)\n"
                                + "2 change(s): 1 breaking, 1 compatible\n");
        assertThat(refused.err())
                .isEqualTo(
                        "error: "
                                + breaking
                                + ": breaking changes need schema_version 2 or more (it is 1)\n");

        Path bumped =
                TestPipelines.write(
                        dir.resolve("bumped.yaml"),
                        Files.readString(breaking)
                                .replace("schema_version: 1", "schema_version: 2"));
        Cli accepted = cli("contract", "diff", EVENTS_CONTRACT.toString(), bumped.toString());
        assertThat(accepted.exit()).isZero();
        assertThat(accepted.err()).isEmpty();

        Path relaxed =
                TestPipelines.write(
                        dir.resolve("relaxed.yaml"),
                        current.replace("min: -50, max: 100", "min: -60, max: 100"));
        Cli compatible = cli("contract", "diff", EVENTS_CONTRACT.toString(), relaxed.toString());
        assertThat(compatible.exit()).isZero();
        assertThat(compatible.out())
                .contains("  compatible  column 'temperature_c' range relaxed: min -50 -> -60\n");

        Cli down = cli("contract", "diff", bumped.toString(), EVENTS_CONTRACT.toString());
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains(EVENTS_CONTRACT + ": schema_version went down from 2 to 1");
    }

    @Test
    void auditPrintsTheRunsRecordsFiltered() throws IOException {
        List<AuditRecord> stored = new AuditLog(shared.resolve("audit/audit.jsonl")).read();
        String runId =
                stored.stream()
                        .filter(r -> r.step().equals("run"))
                        .findFirst()
                        .orElseThrow()
                        .runId();

        Cli text =
                cli(
                        "audit",
                        "--config",
                        config.toString(),
                        "--run",
                        runId.substring(0, 13),
                        "--pipeline",
                        "sensor-hourly");
        assertThat(text.exit()).isZero();
        String[] lines = text.out().split("\n");
        assertThat(lines[0])
                .startsWith("STARTED")
                .contains("RUN")
                .contains("STEP")
                .endsWith("ERROR");
        assertThat(lines).hasSize(8);
        assertThat(lines[7]).contains(runId).contains("  run ").contains("succeeded");
        assertThat(lines[1].indexOf(runId)).isEqualTo(lines[0].indexOf("RUN"));

        Cli json =
                cli(
                        "audit",
                        "--config",
                        config.toString(),
                        "--step",
                        "load",
                        "--since",
                        "2000-01-01",
                        "--format",
                        "json");
        assertThat(json.exit()).isZero();
        String storedLoad =
                Files.readAllLines(shared.resolve("audit/audit.jsonl")).stream()
                        .filter(l -> l.contains("\"step\":\"load\""))
                        .findFirst()
                        .orElseThrow();
        assertThat(json.out()).isEqualTo(storedLoad + "\n");

        Cli none = cli("audit", "--config", config.toString(), "--since", "2999-01-01T00:00:00Z");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).startsWith("(no matching audit records in ");

        Cli bad = cli("audit", "--config", config.toString(), "--since", "last week");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: --since 'last week': expected an instant");
    }

    @Test
    void retentionDryRunThenApplyOnACopyOfTheOutput(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("out");
        copyTree(out, copy);
        Path copySpec = TestPipelines.sensorHourly(dir.resolve("pipelines"), input, copy);
        Path staging = copy.resolve("staging");
        List<String> before = partitions(staging);
        assertThat(before).contains("date=2026-11-01", "date=2026-11-02");
        long keptRows =
                duck.count(
                        "SELECT count(*) FROM " + parquet(staging) + " WHERE date >= '2026-11-02'");
        // 30 days of staging on 2026-12-02 keep 2026-11-02 and later
        List<String> expired =
                before.stream().filter(p -> p.compareTo("date=2026-11-02") < 0).toList();
        String[] retention = {
            "retention",
            "apply",
            "--pipeline",
            copySpec.toString(),
            "--config",
            config.toString(),
            "--today",
            "2026-12-02"
        };

        Cli dry = cli(retention);
        assertThat(dry.exit()).isZero();
        assertThat(dry.out())
                .startsWith(
                        "retention for sensor-hourly (today 2026-12-02, dry run: nothing deleted; --apply deletes)\n")
                .contains(
                        "  staging     "
                                + staging
                                + ": 30 days, keeps 2026-11-02 and later; "
                                + expired.size()
                                + " partition(s) expired\n")
                .contains("    would delete date=2026-11-01 (")
                .contains(
                        "  output      "
                                + copy.resolve("sensor-hourly")
                                + ": 365 days, keeps 2025-12-02 and later; 0 partition(s) expired\n");
        assertThat(partitions(staging)).isEqualTo(before);
        assertThat(retentionRecords()).isEmpty();

        String[] apply = java.util.Arrays.copyOf(retention, retention.length + 1);
        apply[retention.length] = "--apply";
        Cli applied = cli(apply);
        assertThat(applied.exit()).isZero();
        assertThat(applied.out()).contains("    deleted date=2026-11-01 (").contains("audit: ");
        List<String> after = new ArrayList<>(before);
        after.removeAll(expired);
        assertThat(partitions(staging)).isEqualTo(after);
        assertThat(duck.count("SELECT count(*) FROM " + parquet(staging))).isEqualTo(keptRows);
        assertThat(partitions(copy.resolve("sensor-hourly")))
                .isEqualTo(partitions(out.resolve("sensor-hourly")));

        Cli audit =
                cli(
                        "audit",
                        "--config",
                        config.toString(),
                        "--step",
                        "retention",
                        "--format",
                        "json");
        List<AuditRecord> records = new ArrayList<>();
        for (String line : audit.out().split("\n")) {
            records.add(AuditLog.json().readValue(line, AuditRecord.class));
        }
        assertThat(records)
                .extracting(r -> r.target() + " " + r.rowsOut() + " " + r.status())
                .containsExactly(
                        copy.resolve("sensor-hourly") + " 0 succeeded",
                        staging + " " + expired.size() + " succeeded",
                        copy.resolve("quarantine") + " 0 succeeded");
        JsonNode event =
                Files.readAllLines(lineage).stream()
                        .map(GovernanceCliITCase::json)
                        .filter(
                                e ->
                                        e.get("job")
                                                .get("name")
                                                .asText()
                                                .equals("retention:sensor-hourly"))
                        .findFirst()
                        .orElseThrow();
        assertThat(event.get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(event.get("run").get("runId").asText()).isEqualTo(records.get(0).runId());
        assertThat(event.get("outputs")).hasSize(1);
        assertThat(event.get("outputs").get(0).get("name").asText()).isEqualTo(staging.toString());
        assertThat(
                        event.get("outputs")
                                .get(0)
                                .get("facets")
                                .get("lifecycleStateChange")
                                .get("lifecycleStateChange")
                                .asText())
                .isEqualTo("TRUNCATE");
    }

    @Test
    void retentionAllReadsThePipelinesFolderNextToTheConfig() {
        Cli all =
                cli(
                        "retention",
                        "apply",
                        "--all",
                        "--config",
                        config.toString(),
                        "--today",
                        "2026-11-15");

        assertThat(all.exit()).isZero();
        assertThat(all.out()).startsWith("retention for sensor-hourly (today 2026-11-15, dry run");
        assertThat(all.out()).contains("would delete 0 partition(s), 0 file(s), 0 bytes");

        Cli both =
                cli(
                        "retention",
                        "apply",
                        "--all",
                        "--pipeline",
                        spec.toString(),
                        "--config",
                        config.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).startsWith("give --pipeline or --all, not both\n");
    }

    @Test
    void theRunsOwnLineageKeepsItsContractFacets() throws IOException {
        JsonNode complete =
                Files.readAllLines(lineage).stream()
                        .map(GovernanceCliITCase::json)
                        .filter(e -> e.get("job").get("name").asText().equals("sensor-hourly"))
                        .filter(e -> e.get("eventType").asText().equals("COMPLETE"))
                        .findFirst()
                        .orElseThrow();

        JsonNode staging = complete.get("outputs").get(2).get("facets");
        assertThat(staging.get("flowbundle_contract").get("contract").asText())
                .isEqualTo("sensor_events");
        assertThat(staging.get("schema").get("fields").get(6).get("fields")).hasSize(2);
        assertThat(staging.get("ownership").get("owners").get(0).get("name").asText())
                .isEqualTo("data-platform");
        assertThat(
                        complete.get("inputs")
                                .get(0)
                                .get("facets")
                                .get("flowbundle_contract")
                                .get("retentionDays")
                                .asInt())
                .isEqualTo(30);
    }

    private static Cli cli(String... args) {
        return Cli.run(args);
    }

    private List<AuditRecord> retentionRecords() {
        return new AuditLog(shared.resolve("audit/audit.jsonl"))
                .read().stream().filter(r -> r.step().equals("retention")).toList();
    }

    private static JsonNode json(String line) {
        try {
            return AuditLog.json().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> partitions(Path dataset) throws IOException {
        try (Stream<Path> list = Files.list(dataset)) {
            return list.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
