package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.contract.UnknownFields;
import io.flowbundle.contract.Violation;
import io.flowbundle.kafka.EnvelopeDeserializer;
import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.RejectedRecord;
import io.flowbundle.testing.SensorRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContractGateTest {

    private static final String KAFKA = "kafka://127.0.0.1:9092/sensor-events";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OneInputStreamOperatorTestHarness<RowData, RowData> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void openGate(RowValidator validator, String source) throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ContractGate(
                                "input",
                                validator,
                                SensorRows.PIPELINE_TYPE,
                                "run-1",
                                "sensor-hourly",
                                source));
    }

    private void openSensorGate(String source) throws Exception {
        openGate(new RowValidator(SensorRows.contract()), source);
    }

    /** What the Kafka source makes of a record's bytes, through the real deserializer. */
    private static RowData fromKafka(byte[] value, int partition, long offset) {
        List<RowData> out = new ArrayList<>();
        new EnvelopeDeserializer(SensorRows.PIPELINE_TYPE, SensorRows.TIMESTAMP, 10_000L)
                .deserialize(
                        new ConsumerRecord<>("sensor-events", partition, offset, null, value),
                        new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static RowData fromKafka(String value, int partition, long offset) {
        return fromKafka(value.getBytes(StandardCharsets.UTF_8), partition, offset);
    }

    private List<RejectedRecord> rejected() {
        return records(ContractGate.REJECTED);
    }

    private List<RejectedRecord> late() {
        return records(ContractGate.LATE);
    }

    private List<RejectedRecord> records(OutputTag<RowData> tag) {
        var side = harness.getSideOutput(tag);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).map(RejectedRecord::of).toList();
    }

    private List<RowData> lateRows() {
        var side = harness.getSideOutput(ContractGate.lateRows(SensorRows.PIPELINE_TYPE));
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** One partition read in order, through one deserializer, so it marks late records. */
    private static final class Partition {
        private final EnvelopeDeserializer deserializer =
                new EnvelopeDeserializer(SensorRows.PIPELINE_TYPE, SensorRows.TIMESTAMP, 10_000L);
        private final JsonRowEncoder encoder = new JsonRowEncoder(SensorRows.PIPELINE_TYPE);
        private final int number;
        private long offset;

        Partition(int number) {
            this.number = number;
        }

        RowData next(GenericRowData row) {
            return next(encoder.encodeToString(row));
        }

        RowData next(String json) {
            List<RowData> out = new ArrayList<>();
            deserializer.deserialize(
                    new ConsumerRecord<>(
                            "sensor-events",
                            number,
                            offset++,
                            null,
                            json.getBytes(StandardCharsets.UTF_8)),
                    new ListCollector<>(out));
            return out.get(0);
        }
    }

    private Map<String, Long> counts() {
        return HarnessAccumulators.of(harness);
    }

    @Test
    void validRowsGoToTheMainOutput() throws Exception {
        openSensorGate("data/sensor-events");
        GenericRowData row = reading("evt-1").at("2026-11-01T10:01:30Z").build();

        harness.processElement(Envelope.ofRow(row), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(row);
        assertThat(rejected()).isEmpty();
        assertThat(counts())
                .containsEntry("input.in", 1L)
                .containsEntry("input.out", 1L)
                .containsEntry("input.rejected", 0L);
    }

    @Test
    void decodedKafkaRecordsPassWithoutTheirEnvelope() throws Exception {
        openSensorGate(KAFKA);
        String json =
                new JsonRowEncoder(SensorRows.PIPELINE_TYPE)
                        .encodeToString(reading("evt-1").build());

        harness.processElement(fromKafka(json, 0, 7L), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(reading("evt-1").build());
    }

    @Test
    void decodeFailureIsRejectedWithTheRawTextAndItsPosition() throws Exception {
        openSensorGate(KAFKA);
        String broken = "{\"id\": \"evt-1\", \"timestamp\": ";

        harness.processElement(fromKafka(broken, 3, 42L), 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.runId()).isEqualTo("run-1");
        assertThat(rejected.pipeline()).isEqualTo("sensor-hourly");
        assertThat(rejected.stage()).isEqualTo(Rejected.STAGE_INPUT);
        assertThat(rejected.rule()).isEqualTo(Violation.PARSE);
        assertThat(rejected.column()).isNull();
        assertThat(rejected.reason()).startsWith("not valid JSON");
        assertThat(rejected.source()).isEqualTo(KAFKA);
        assertThat(rejected.partition()).isEqualTo(3);
        assertThat(rejected.offset()).isEqualTo(42L);
        assertThat(rejected.record()).isEqualTo(broken);
        assertThat(rejected.recordEncoding()).isEqualTo("utf-8");
        assertThat(counts())
                .containsEntry("input.in", 1L)
                .containsEntry("input.out", 0L)
                .containsEntry("input.rejected", 1L)
                .containsEntry("input.rule.parse", 1L);
    }

    @Test
    void typeFailureNamesTheField() throws Exception {
        openSensorGate(KAFKA);

        harness.processElement(
                fromKafka("{\"id\": \"evt-1\", \"location\": {\"room\": 5}}", 0, 1L), 0L);

        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.rule()).isEqualTo(Violation.TYPE);
        assertThat(rejected.column()).isEqualTo("location.room");
        assertThat(counts()).containsEntry("input.rule.type:location.room", 1L);
    }

    @Test
    void contractViolationOfAParquetRowIsRejectedWithTheRowAsJson() throws Exception {
        openSensorGate("data/sensor-events");
        GenericRowData tooHot =
                reading("evt-1").at("2026-11-01T10:01:30Z").temperature(150.0).build();

        harness.processElement(Envelope.ofRow(tooHot), 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.rule()).isEqualTo(Violation.RANGE);
        assertThat(rejected.column()).isEqualTo("temperature_c");
        assertThat(rejected.reason()).contains("150.0").contains("[-50, 100]");
        assertThat(rejected.partition()).isNull();
        assertThat(rejected.offset()).isNull();
        assertThat(rejected.recordEncoding()).isEqualTo("utf-8");
        JsonNode record = JSON.readTree(rejected.record());
        assertThat(record.get("id").asText()).isEqualTo("evt-1");
        assertThat(record.get("temperature_c").asDouble()).isEqualTo(150.0);
        assertThat(record.get("timestamp").asText()).isEqualTo("2026-11-01T10:01:30Z");
        assertThat(counts()).containsEntry("input.rule.range:temperature_c", 1L);
    }

    @Test
    void contractViolationOfAKafkaRecordKeepsTheOriginalBytes() throws Exception {
        openSensorGate(KAFKA);
        String original =
                "{\"id\":\"evt-1\",  \"type\":\"reading\", \"timestamp\":\"2026-11-01T10:01:30Z\"}";

        harness.processElement(fromKafka(original, 1, 5L), 0L);

        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.rule()).isEqualTo(Violation.REQUIRED);
        assertThat(rejected.column()).isEqualTo("device_id");
        assertThat(rejected.record()).as("as sent, not re-encoded").isEqualTo(original);
        assertThat(rejected.partition()).isEqualTo(1);
        assertThat(rejected.offset()).isEqualTo(5L);
    }

    @Test
    void nonUtf8RawBytesAreKeptAsBase64() throws Exception {
        openSensorGate(KAFKA);
        byte[] latin1 = "{\"id\": \"caf\u00e9\"".getBytes(StandardCharsets.ISO_8859_1);

        harness.processElement(fromKafka(latin1, 2, 9L), 0L);

        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.rule()).isEqualTo(Violation.PARSE);
        assertThat(rejected.recordEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(rejected.record())).isEqualTo(latin1);
    }

    @Test
    void tombstoneIsRejected() throws Exception {
        openSensorGate(KAFKA);

        harness.processElement(fromKafka((byte[]) null, 0, 3L), 0L);

        RejectedRecord rejected = rejected().get(0);
        assertThat(rejected.rule()).isEqualTo(Violation.PARSE);
        assertThat(rejected.reason()).contains("tombstone");
        assertThat(rejected.offset()).isEqualTo(3L);
    }

    @Test
    void withoutAValidatorOnlyDecodingIsChecked() throws Exception {
        openGate(null, "transform");
        GenericRowData invalid = reading("evt-1").noDevice().temperature(500.0).build();

        harness.processElement(Envelope.ofRow(invalid), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(invalid);
    }

    @Test
    void everyRecordIsCountedOnceInOrOut() throws Exception {
        openSensorGate(KAFKA);
        String valid =
                new JsonRowEncoder(SensorRows.PIPELINE_TYPE)
                        .encodeToString(reading("evt-1").build());
        String invalid =
                new JsonRowEncoder(SensorRows.PIPELINE_TYPE)
                        .encodeToString(reading("evt-2").type("alarm").build());
        List<RowData> envelopes =
                List.of(
                        fromKafka(valid, 0, 0L),
                        fromKafka(invalid, 0, 1L),
                        fromKafka("not json", 0, 2L),
                        fromKafka(valid, 0, 3L),
                        fromKafka(invalid, 0, 4L));

        for (RowData envelope : envelopes) {
            harness.processElement(envelope, 0L);
        }

        Map<String, Long> counts = counts();
        assertThat(counts.get("input.in")).isEqualTo(envelopes.size());
        assertThat(counts.get("input.out") + counts.get("input.rejected"))
                .isEqualTo(counts.get("input.in"));
        assertThat(counts).containsEntry("late.events", 0L);
        assertThat(counts)
                .containsEntry("input.out", 2L)
                .containsEntry("input.rule.allowed:type", 2L)
                .containsEntry("input.rule.parse", 1L);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(rejected()).extracting(RejectedRecord::offset).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aValidLateRecordGoesToTheLateOutputsAndIsCounted() throws Exception {
        openSensorGate(KAFKA);
        Partition kafka = new Partition(2);
        GenericRowData onTime = reading("evt-1").at("2026-11-01T10:00:00Z").build();
        GenericRowData behind = reading("evt-2").at("2026-11-01T09:59:00Z").build();
        String behindJson = new JsonRowEncoder(SensorRows.PIPELINE_TYPE).encodeToString(behind);

        harness.processElement(kafka.next(onTime), 0L);
        harness.processElement(kafka.next(behindJson), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(onTime);
        assertThat(lateRows()).as("kept for the staging layer as it is").containsExactly(behind);
        assertThat(rejected()).isEmpty();
        assertThat(late()).hasSize(1);
        RejectedRecord late = late().get(0);
        assertThat(late.stage()).isEqualTo(Rejected.STAGE_LATE);
        assertThat(late.rule()).isEqualTo(Rejected.STAGE_LATE);
        assertThat(late.column()).isNull();
        assertThat(late.reason())
                .isEqualTo(
                        "event time is at or behind the watermark of its partition"
                                + " (2026-11-01T09:59:49.999Z); its window may have been emitted");
        assertThat(late.source()).isEqualTo(KAFKA);
        assertThat(late.partition()).isEqualTo(2);
        assertThat(late.offset()).isEqualTo(1L);
        assertThat(late.record()).as("as sent").isEqualTo(behindJson);
        assertThat(counts())
                .containsEntry("input.in", 2L)
                .containsEntry("input.out", 1L)
                .containsEntry("input.rejected", 0L)
                .containsEntry("late.events", 1L);
    }

    @Test
    void aLateRecordThatBreaksTheContractIsRejectedNotLate() throws Exception {
        openSensorGate(KAFKA);
        Partition kafka = new Partition(0);

        harness.processElement(kafka.next(reading("evt-1").at("2026-11-01T10:00:00Z").build()), 0L);
        harness.processElement(
                kafka.next(reading("evt-2").at("2026-11-01T09:00:00Z").type("alarm").build()), 0L);

        assertThat(late()).isEmpty();
        assertThat(lateRows()).isEmpty();
        assertThat(rejected())
                .extracting(RejectedRecord::stage, RejectedRecord::rule)
                .containsExactly(tuple(Rejected.STAGE_INPUT, Violation.ALLOWED));
        assertThat(counts()).containsEntry("input.rejected", 1L).containsEntry("late.events", 0L);
    }

    @Test
    void rowsThatNeedNoDecodingAreNeverLate() throws Exception {
        openSensorGate("data/sensor-events");

        harness.processElement(
                Envelope.ofRow(reading("evt-1").at("2026-11-01T10:00:00Z").build()), 0L);
        harness.processElement(
                Envelope.ofRow(reading("evt-2").at("2026-11-01T08:00:00Z").build()), 0L);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(late()).isEmpty();
        assertThat(counts()).containsEntry("late.events", 0L);
    }

    @Test
    void countsContinueFromTheCheckpointAfterARestore() throws Exception {
        openSensorGate(KAFKA);
        Partition kafka = new Partition(0);
        harness.processElement(kafka.next(reading("evt-1").at("2026-11-01T10:00:00Z").build()), 0L);
        harness.processElement(
                kafka.next(reading("evt-2").at("2026-11-01T10:00:01Z").type("alarm").build()), 0L);
        harness.processElement(kafka.next("not json"), 0L);
        harness.processElement(kafka.next(reading("evt-3").at("2026-11-01T09:00:00Z").build()), 0L);
        Map<String, Long> checkpointed = counts();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 0L);
        harness.close();

        harness = restoredGate(snapshot);

        assertThat(counts())
                .as("every count, also the per-rule ones, before any new record")
                .isEqualTo(checkpointed);
        assertThat(checkpointed)
                .containsEntry("input.in", 4L)
                .containsEntry("input.out", 1L)
                .containsEntry("input.rejected", 2L)
                .containsEntry("late.events", 1L)
                .containsEntry("input.rule.allowed:type", 1L)
                .containsEntry("input.rule.parse", 1L);

        harness.processElement(kafka.next(reading("evt-4").at("2026-11-01T10:00:02Z").build()), 0L);
        harness.processElement(kafka.next(reading("evt-5").at("2026-11-01T09:00:00Z").build()), 0L);
        harness.processElement(
                kafka.next(reading("evt-6").at("2026-11-01T10:00:03Z").type("alarm").build()), 0L);

        Map<String, Long> counts = counts();
        assertThat(counts)
                .containsEntry("input.in", 7L)
                .containsEntry("input.out", 2L)
                .containsEntry("input.rejected", 3L)
                .containsEntry("late.events", 2L)
                .containsEntry("input.rule.allowed:type", 2L)
                .containsEntry("input.rule.parse", 1L);
        assertThat(counts.get("input.in"))
                .isEqualTo(
                        counts.get("input.out")
                                + counts.get("input.rejected")
                                + counts.get("late.events"));

        OperatorSubtaskState second = harness.snapshot(2L, 0L);
        harness.close();
        harness = restoredGate(second);

        assertThat(counts())
                .as("a second restore starts from the second checkpoint")
                .isEqualTo(counts);
    }

    private static OneInputStreamOperatorTestHarness<RowData, RowData> restoredGate(
            OperatorSubtaskState snapshot) throws Exception {
        OneInputStreamOperatorTestHarness<RowData, RowData> restored =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new ContractGate(
                                        "input",
                                        new RowValidator(SensorRows.contract()),
                                        SensorRows.PIPELINE_TYPE,
                                        "run-1",
                                        "sensor-hourly",
                                        KAFKA)));
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    @Test
    void keptUnknownFieldsAreCountedPerRecordAndPathOutsideTheReconciliation() throws Exception {
        RowType decoded = SensorRows.contract().decodedType("timestamp");
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ContractGate(
                                "input",
                                new RowValidator(SensorRows.contract()),
                                decoded,
                                "run-1",
                                "sensor-hourly",
                                KAFKA));
        EnvelopeDeserializer keeping =
                new EnvelopeDeserializer(
                        SensorRows.PIPELINE_TYPE,
                        SensorRows.TIMESTAMP,
                        10_000L,
                        UnknownFields.KEEP);
        String valid =
                "\"id\": \"evt-%d\", \"type\": \"reading\", \"timestamp\":"
                        + " \"2026-11-01T10:00:00Z\", \"device_id\": \"device-001\"";
        String[] records = {
            "{" + valid.formatted(1) + ", \"location\": {\"room\": \"r\", \"floor\": 3}}",
            "{" + valid.formatted(2) + ", \"battery\": 80, \"location\": {\"floor\": 4}}",
            "{" + valid.formatted(3) + "}",
            // invalid (no device_id) but still a record with an unknown field
            "{\"id\": \"evt-4\", \"type\": \"reading\", \"timestamp\": \"2026-11-01T10:00:00Z\","
                    + " \"battery\": 10}"
        };
        for (int i = 0; i < records.length; i++) {
            List<RowData> out = new ArrayList<>();
            keeping.deserialize(
                    new ConsumerRecord<>(
                            "sensor-events",
                            0,
                            i,
                            null,
                            records[i].getBytes(StandardCharsets.UTF_8)),
                    new ListCollector<>(out));
            harness.processElement(out.get(0), 0L);
        }

        Map<String, Long> counts = HarnessAccumulators.of(harness);
        assertThat(counts)
                .containsEntry("input.in", 4L)
                .containsEntry("input.out", 3L)
                .containsEntry("input.rejected", 1L)
                .containsEntry("unknown.records", 3L)
                .containsEntry("unknown.path.location.floor", 2L)
                .containsEntry("unknown.path.battery", 2L);
        assertThat(rejected().get(0).record())
                .as("the raw record, unknown fields and all")
                .isEqualTo(records[3]);
        assertThat(io.flowbundle.pipeline.RunCounts.of(Map.copyOf(counts)).topUnknownPaths(10))
                .containsExactly(Map.entry("battery", 2L), Map.entry("location.floor", 2L));
    }

    @Test
    void unknownPathsAreCountedByNameUpToALimitPerSubtask() throws Exception {
        RowType decoded = SensorRows.contract().decodedType("timestamp");
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ContractGate("input", null, decoded, "run-1", "p", KAFKA));
        int fields = ContractGate.MAX_UNKNOWN_PATHS + 5;
        for (int i = 0; i < fields; i++) {
            GenericRowData row = new GenericRowData(decoded.getFieldCount());
            row.setField(
                    decoded.getFieldCount() - 1,
                    org.apache.flink.table.data.StringData.fromString("{\"f" + i + "\": 1}"));
            harness.processElement(Envelope.ofRow(row), 0L);
        }

        Map<String, Long> counts = HarnessAccumulators.of(harness);
        assertThat(counts.keySet().stream().filter(n -> n.startsWith("unknown.path.")))
                .hasSize(ContractGate.MAX_UNKNOWN_PATHS);
        assertThat(counts)
                .containsEntry("unknown.records", (long) fields)
                .containsEntry("unknown.other_paths", 5L);
    }

    @Test
    void aRejectedParquetRowCarriesItsUnknownFieldsMergedBackIn() throws Exception {
        RowType decoded = SensorRows.contract().decodedType("timestamp");
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ContractGate(
                                "input",
                                new RowValidator(SensorRows.contract()),
                                decoded,
                                "run-1",
                                "p",
                                "data/sensor-events"));
        GenericRowData row = new GenericRowData(decoded.getFieldCount());
        row.setField(0, org.apache.flink.table.data.StringData.fromString("evt-1"));
        row.setField(
                decoded.getFieldCount() - 1,
                org.apache.flink.table.data.StringData.fromString("{\"battery\":80}"));

        harness.processElement(Envelope.ofRow(row), 0L);

        JsonNode record = JSON.readTree(rejected().get(0).record());
        assertThat(record.get("id").asText()).isEqualTo("evt-1");
        assertThat(record.get("battery").asInt()).isEqualTo(80);
        assertThat(record.has("_unknown")).isFalse();
    }
}
