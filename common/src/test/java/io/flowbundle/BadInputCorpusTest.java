package io.flowbundle;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowbundle.config.ConfigNode;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.kafka.EnvelopeDeserializer;
import io.flowbundle.operators.ContractGate;
import io.flowbundle.operators.JsonRowEncoder;
import io.flowbundle.operators.Rejected;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetSchemaCheck;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.Checkout;
import io.flowbundle.testing.ConfFixture;
import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.ParquetFiles;
import io.flowbundle.testing.RejectedRecord;
import io.flowbundle.testing.SensorRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the bad-input corpus ({@code bad-inputs/cases.yaml}): every case's input through the code
 * that meets it in a run, asserting the outcome the manifest defines for it. Big and binary inputs
 * are built here rather than committed.
 */
class BadInputCorpusTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "kafka://127.0.0.1:9092/events";
    private static final int PARTITION = 0;
    private static final long OFFSET = 7L;
    private static final int TEN_MEGABYTES = 10 * 1024 * 1024;

    private static final Contract EVERY_TYPE = ContractLoader.load(corpus("every_type.yaml"));
    private static final Contract EVERY_TYPE_STRICT =
            ContractLoader.load(corpus("every_type_strict.yaml"));
    private static final Contract EVERY_TYPE_DROP =
            ContractLoader.load(corpus("every_type_drop.yaml"));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : manifest()) {
            out.add(Arguments.of(c.get("id").asText(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseHasItsDefinedOutcome(String id, JsonNode c, @TempDir Path dir) throws Exception {
        switch (c.get("kind").asText()) {
            case "record" -> record(c);
            case "parquet" -> parquet(c, dir);
            case "spec", "contract" -> configFile(c, dir);
            default -> throw new IllegalArgumentException(id + ": unknown kind " + c.get("kind"));
        }
    }

    @Test
    void theCorpusHasAtLeastFortyCasesWithDistinctIds() {
        Set<String> ids = new HashSet<>();
        for (JsonNode c : manifest()) {
            assertThat(ids.add(c.get("id").asText())).as("id %s is unique", c.get("id")).isTrue();
            assertThat(c.has("passed") || c.has("rejected") || c.has("error"))
                    .as("%s defines its outcome", c.get("id"))
                    .isTrue();
        }
        assertThat(ids).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void everyCaseIsListedInReliabilityMd() throws IOException {
        String doc = Files.readString(Checkout.root().resolve("docs/RELIABILITY.md"));
        List<String> missing = new ArrayList<>();
        for (JsonNode c : manifest()) {
            if (!doc.contains("`" + c.get("id").asText() + "`")) {
                missing.add(c.get("id").asText());
            }
        }
        assertThat(missing)
                .as("cases of bad-inputs/cases.yaml not in docs/RELIABILITY.md")
                .isEmpty();
    }

    // --- records: EnvelopeDeserializer, then the input ContractGate ---

    private static void record(JsonNode c) throws Exception {
        String contractName = c.path("contract").asText("sensor_events");
        boolean everyType = !contractName.equals("sensor_events");
        Contract contract =
                switch (contractName) {
                    case "sensor_events" -> SensorRows.contract();
                    case "every_type" -> EVERY_TYPE;
                    case "every_type_strict" -> EVERY_TYPE_STRICT;
                    case "every_type_drop" -> EVERY_TYPE_DROP;
                    default -> throw new IllegalArgumentException("no contract " + contractName);
                };
        String eventTime = everyType ? "ts" : "timestamp";
        RowType type = contract.rowType(eventTime);
        RowType decoded = contract.decodedType(eventTime);
        byte[] key = c.has("key") ? utf8(c.get("key").asText()) : null;
        byte[] value = value(c);

        List<RowData> envelopes = new ArrayList<>();
        new EnvelopeDeserializer(
                        type, contract.indexOf(eventTime), 10_000L, contract.unknownFields())
                .deserialize(
                        new ConsumerRecord<>("events", PARTITION, OFFSET, key, value),
                        new ListCollector<>(envelopes));
        assertThat(envelopes).as("the source emits every record, decoded or not").hasSize(1);

        OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ContractGate(
                                "input",
                                new RowValidator(contract),
                                decoded,
                                "run-1",
                                "corpus",
                                SOURCE));
        try {
            harness.processElement(envelopes.get(0), 0L);
            List<RowData> passed = harness.extractOutputValues();
            List<RejectedRecord> rejected = sideOutput(harness, ContractGate.REJECTED);
            Map<String, Long> counts = HarnessAccumulators.of(harness);
            assertThat(counts.get("input.in")).isEqualTo(1L);
            assertThat(
                            counts.get("input.out")
                                    + counts.get("input.rejected")
                                    + counts.get("late.events"))
                    .as("nothing lost: in = out + rejected + late")
                    .isEqualTo(counts.get("input.in"));
            assertThat(sideOutput(harness, ContractGate.LATE)).isEmpty();
            if (c.has("passed")) {
                assertThat(rejected).as("rejected").isEmpty();
                assertThat(passed).hasSize(1);
                JsonNode row =
                        JSON.readTree(new JsonRowEncoder(type).encodeToString(passed.get(0)));
                c.get("passed")
                        .fields()
                        .forEachRemaining(
                                field ->
                                        assertThat(row.get(field.getKey()))
                                                .as(field.getKey())
                                                .isEqualTo(field.getValue()));
                assertThat(counts).containsEntry("input.out", 1L);
                String unknown =
                        decoded.equals(type) || passed.get(0).isNullAt(type.getFieldCount())
                                ? null
                                : passed.get(0).getString(type.getFieldCount()).toString();
                if (c.has("unknown") || !c.has("unknown_paths")) {
                    assertThat(unknown)
                            .as("the column _unknown")
                            .isEqualTo(c.path("unknown").asText(null));
                } else {
                    assertThat(unknown).as("the column _unknown of a generated record").isNotNull();
                }
                assertThat(counts.getOrDefault("unknown.records", 0L))
                        .isEqualTo(unknown == null ? 0L : 1L);
                List<String> paths = new ArrayList<>();
                c.path("unknown_paths").forEach(path -> paths.add("unknown.path." + path.asText()));
                assertThat(counts.keySet().stream().filter(n -> n.startsWith("unknown.path.")))
                        .containsExactlyInAnyOrderElementsOf(paths);
                paths.forEach(path -> assertThat(counts).containsEntry(path, 1L));
            } else {
                JsonNode expected = c.get("rejected");
                assertThat(passed).isEmpty();
                assertThat(rejected).hasSize(1);
                RejectedRecord r = rejected.get(0);
                assertThat(r.reason())
                        .isEqualTo(expected.get("reason").asText())
                        .doesNotContain("\n", "\r");
                assertThat(r.rule()).isEqualTo(expected.get("rule").asText());
                assertThat(r.column()).isEqualTo(expected.path("column").asText(null));
                assertThat(r.stage()).isEqualTo(Rejected.STAGE_INPUT);
                assertThat(r.source()).isEqualTo(SOURCE);
                assertThat(r.partition()).isEqualTo(PARTITION);
                assertThat(r.offset()).isEqualTo(OFFSET);
                byte[] raw = value == null ? new byte[0] : value;
                if (c.path("encoding").asText("utf-8").equals("base64")) {
                    assertThat(r.recordEncoding()).isEqualTo("base64");
                    assertThat(Base64.getDecoder().decode(r.record()))
                            .as("the record as sent")
                            .isEqualTo(raw);
                } else {
                    assertThat(r.recordEncoding()).isEqualTo("utf-8");
                    assertThat(r.record())
                            .as("the record as sent")
                            .isEqualTo(new String(raw, StandardCharsets.UTF_8));
                }
                String ruleId = r.column() == null ? r.rule() : r.rule() + ":" + r.column();
                assertThat(counts)
                        .containsEntry("input.rejected", 1L)
                        .containsEntry("input.rule." + ruleId, 1L);
            }
        } finally {
            harness.close();
        }
    }

    private static List<RejectedRecord> sideOutput(
            OneInputStreamOperatorTestHarness<RowData, RowData> harness,
            org.apache.flink.util.OutputTag<RowData> tag) {
        var side = harness.getSideOutput(tag);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).map(RejectedRecord::of).toList();
    }

    private static byte[] value(JsonNode c) {
        if (!c.has("generated")) {
            return c.get("value").isNull() ? null : utf8(c.get("value").asText());
        }
        String valid =
                "\"type\": \"reading\", \"timestamp\": \"2026-11-01T10:00:00Z\", \"device_id\": \"device-001\"";
        return switch (c.get("generated").asText()) {
            case "invalid-utf8" ->
                    concat(
                            utf8("{\"id\": \"evt-1\u00e9"),
                            new byte[] {(byte) 0xC3, (byte) 0x28},
                            utf8("\"}"));
            case "latin1" -> "{\"id\": \"caf\u00e9-1\"}".getBytes(StandardCharsets.ISO_8859_1);
            case "utf16" ->
                    ("{\"id\": \"evt-1\", " + valid + "}").getBytes(StandardCharsets.UTF_16);
            case "ten-megabytes" ->
                    utf8(
                            "{\"id\": \"evt-big\", "
                                    + valid
                                    + ", \"notes\": \""
                                    + "x".repeat(TEN_MEGABYTES)
                                    + "\"}");
            case "ten-megabyte-timestamp" ->
                    utf8(
                            "{\"id\": \"evt-1\", \"timestamp\": \""
                                    + "x".repeat(TEN_MEGABYTES)
                                    + "\"}");
            case "depth-10000" ->
                    utf8(
                            "{\"id\": \"evt-1\", \"firmware\": "
                                    + "{\"a\": ".repeat(10_000)
                                    + "1"
                                    + "}".repeat(10_001));
            case "long-number" ->
                    utf8("{\"id\": \"evt-1\", \"temperature_c\": " + "9".repeat(2000) + "}");
            default ->
                    throw new IllegalArgumentException(
                            "unknown generated record " + c.get("generated"));
        };
    }

    // --- Parquet files: ParquetInputs, then ParquetSchemaCheck ---

    /** Three daily partitions of two rows each; the scenario spoils the middle one, the culprit. */
    private static void parquet(JsonNode c, Path dir) throws IOException {
        Path source = dir.resolve("sensor-events");
        List<Path> files = new ArrayList<>();
        for (int day = 1; day <= 3; day++) {
            files.add(
                    ParquetFiles.write(
                            source.resolve("date=2026-11-0" + day + "/part-0.parquet"),
                            SensorRows.TYPE,
                            List.of(
                                    reading("evt-" + day + "a").build(),
                                    reading("evt-" + day + "b").build())));
        }
        Path culprit = files.get(1);
        boolean deleteAfterListing = false;
        switch (c.get("scenario").asText()) {
            case "truncated" -> ParquetFiles.truncatedCopy(files.get(0), culprit, 0.6);
            case "zero-bytes" -> Files.write(culprit, new byte[0]);
            case "text" ->
                    Files.writeString(
                            culprit, "id,type,timestamp\nevt-1,reading,2026-11-02T10:00:00Z\n");
            case "footer-only" -> rewrite(culprit, SensorRows.TYPE, List.of());
            case "required-column-missing" -> rewrite(culprit, replacing("device_id", null));
            case "optional-column-missing" -> rewrite(culprit, replacing("humidity_percent", null));
            case "type-changed" ->
                    rewrite(
                            culprit,
                            replacing("temperature_c", new VarCharType(VarCharType.MAX_LENGTH)));
            case "deleted" -> deleteAfterListing = true;
            case "unreadable" ->
                    Files.setPosixFilePermissions(
                            culprit, PosixFilePermissions.fromString("---------"));
            case "no-files" -> {
                for (Path file : files) {
                    Files.move(file, file.resolveSibling("part-0.csv"));
                }
            }
            default -> throw new IllegalArgumentException("unknown scenario " + c.get("scenario"));
        }
        boolean deleted = deleteAfterListing;
        ParquetSchemaCheck.Stats[] stats = new ParquetSchemaCheck.Stats[1];
        Throwable thrown =
                catchThrowable(
                        () -> {
                            List<Path> listed = ParquetInputs.list(source, "date", null);
                            if (deleted) {
                                Files.delete(culprit);
                            }
                            stats[0] = ParquetSchemaCheck.check(listed, SensorRows.contract());
                        });

        JsonNode passed = c.has("passed") ? c.get("passed") : null;
        if (c.has("as_root") && Files.isReadable(culprit)) {
            // root reads whatever the permissions say: the file is read like the others
            passed = c.get("as_root");
        }
        if (passed != null) {
            assertThat(thrown).as("no error").isNull();
            assertThat(stats[0].files()).isEqualTo(passed.get("files").asLong());
            assertThat(stats[0].rows()).isEqualTo(passed.get("rows").asLong());
        } else {
            assertThat(thrown).isInstanceOf(FlowbundleException.class);
            assertThat(thrown.getMessage())
                    .doesNotContain("\n")
                    .isEqualTo(
                            c.get("error")
                                    .asText()
                                    .replace("{file}", culprit.toString())
                                    .replace("{source}", source.toString()));
        }
    }

    private static void rewrite(Path file, RowType type, List<RowData> rows) throws IOException {
        Files.delete(file);
        ParquetFiles.write(file, type, rows);
    }

    private static void rewrite(Path file, Variant variant) throws IOException {
        rewrite(file, variant.type(), List.of(variant.row(), variant.row()));
    }

    private record Variant(RowType type, RowData row) {}

    /**
     * The sensor row type with {@code column} of another type (null: without it), and a row of it.
     */
    private static Variant replacing(String column, LogicalType newType) {
        List<RowType.RowField> fields = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        GenericRowData sample = reading("evt-2").build();
        for (int i = 0; i < SensorRows.TYPE.getFieldCount(); i++) {
            RowType.RowField field = SensorRows.TYPE.getFields().get(i);
            if (!field.getName().equals(column)) {
                fields.add(field);
                values.add(sample.getField(i));
            } else if (newType != null) {
                fields.add(new RowType.RowField(column, newType));
                values.add(StringData.fromString("warm"));
            }
        }
        return new Variant(new RowType(fields), GenericRowData.of(values.toArray()));
    }

    // --- spec and contract files: SpecLoader, ContractLoader ---

    private static void configFile(JsonNode c, Path dir) throws IOException {
        boolean spec = c.get("kind").asText().equals("spec");
        ConfFixture conf = ConfFixture.copyTo(dir);
        Path file =
                spec ? conf.pipeline(c.get("id").asText()) : conf.contract(c.get("id").asText());
        if (c.has("generated")) {
            Files.writeString(
                    file,
                    spec
                            ? "name: deep\nsource: "
                                    + "{a: ".repeat(10_000)
                                    + "1"
                                    + "}".repeat(10_000)
                                    + "\n"
                            : "name: deep\nschema_version: 1\ncolumns:\n  - {name: a, type: "
                                    + "{f: ".repeat(10_000)
                                    + "string"
                                    + "}".repeat(10_000)
                                    + "}\n");
        } else {
            Files.copy(corpus(c.get("file").asText()), file);
        }
        String expected = c.get("error").asText().replace("{file}", file.toString());
        String message =
                expectConfigError(
                        spec
                                ? () -> SpecLoader.load(file, name -> null)
                                : () -> ContractLoader.parse(ConfigNode.load(file, name -> null)),
                        file,
                        expected);
        assertThat(message).isEqualTo(expected);
    }

    // --- the manifest ---

    private static List<JsonNode> manifest() {
        try {
            List<JsonNode> out = new ArrayList<>();
            YAML.readTree(corpus("cases.yaml").toFile()).get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path corpus(String relative) {
        try {
            var url = BadInputCorpusTest.class.getResource("/bad-inputs/" + relative);
            if (url == null) {
                throw new IllegalStateException(
                        "bad-inputs/" + relative + " is not on the test class path");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
