package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

class DedupeFunctionTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final DedupeKey KEY = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));

    private KeyedOneInputStreamOperatorTestHarness<Long, RowData, RowData> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, RowData, RowData> newHarness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DedupeFunction(KEY, new EventTime(SensorRows.TIMESTAMP, 3), RETENTION.toMillis()),
                KEY,
                Types.LONG);
    }

    private void send(GenericRowData row) throws Exception {
        harness.processElement(row, row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
    }

    private void watermark(String iso) throws Exception {
        harness.processWatermark(Times.millis(iso));
    }

    private List<String> outputIds() {
        return harness.extractOutputValues().stream().map(SensorRows::idOf).toList();
    }

    @Test
    void keepsTheFirstCopyOfEachKeyAndCountsTheDuplicates() throws Exception {
        GenericRowData first = reading("evt-1").at("2026-11-01T10:00:00Z").temperature(21.0).build();
        send(first);
        send(reading("evt-2").at("2026-11-01T10:00:05Z").build());
        send(reading("evt-1").at("2026-11-01T10:00:00Z").temperature(21.0).build());
        send(reading("evt-1").at("2026-11-01T10:00:00Z").temperature(99.0).build());

        assertThat(outputIds()).containsExactly("evt-1", "evt-2");
        assertThat(harness.extractOutputValues().get(0)).isEqualTo(first);
        assertThat(HarnessAccumulators.count(harness, "dedupe.in")).isEqualTo(4);
        assertThat(HarnessAccumulators.count(harness, "dedupe.out")).isEqualTo(2);
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).as("one first-seen time per key").isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).as("one cleanup timer per key").isEqualTo(2);
    }

    @Test
    void keptRecordsKeepTheirTimestamps() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());

        assertThat(harness.extractOutputStreamRecords().get(0).getTimestamp())
                .isEqualTo(Times.millis("2026-11-01T10:00:00Z"));
    }

    @Test
    void stateAndTimerAreClearedOnceTheWatermarkPassesFirstSeenPlusRetention() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());

        watermark("2026-11-01T10:59:59.999Z");
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());

        assertThat(outputIds()).as("still remembered just before the horizon").containsExactly("evt-1");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark("2026-11-01T11:00:00Z");

        assertThat(harness.numKeyedStateEntries()).as("forgotten at first-seen + retention").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aKeySeenAgainAfterCleanupIsKeptAgain() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        watermark("2026-11-01T11:00:00Z");

        send(reading("evt-1").at("2026-11-01T11:30:00Z").build());

        assertThat(outputIds()).containsExactly("evt-1", "evt-1");
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark("2026-11-01T12:30:00Z");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void duplicatesDoNotExtendTheRetention() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-1").at("2026-11-01T10:45:00Z").build());

        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark("2026-11-01T11:00:00Z");

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void eachKeyIsForgottenOnItsOwnSchedule() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-2").at("2026-11-01T10:40:00Z").build());

        watermark("2026-11-01T11:00:00Z");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        send(reading("evt-2").at("2026-11-01T10:40:00Z").build());
        assertThat(outputIds()).as("evt-2 is still remembered").containsExactly("evt-1", "evt-2");

        watermark("2026-11-01T11:40:00Z");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void rememberedKeysAndTimersSurviveARestore() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        OperatorSubtaskState snapshot = harness.snapshot(1L, Times.millis("2026-11-01T10:00:01Z"));
        harness.close();

        harness = restoredHarness(snapshot);
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());

        assertThat(harness.extractOutputValues()).as("the duplicate is still recognised").isEmpty();
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark("2026-11-01T11:00:00Z");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void countsContinueFromTheCheckpointAfterARestore() throws Exception {
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-2").at("2026-11-01T10:00:01Z").build());
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        OperatorSubtaskState snapshot = harness.snapshot(1L, Times.millis("2026-11-01T10:00:01Z"));
        harness.close();

        harness = restoredHarness(snapshot);

        assertThat(HarnessAccumulators.of(harness))
                .as("before any new record")
                .containsEntry("dedupe.in", 3L)
                .containsEntry("dedupe.out", 2L)
                .containsEntry("dedupe.duplicates", 1L);

        send(reading("evt-2").at("2026-11-01T10:00:01Z").build());
        send(reading("evt-3").at("2026-11-01T10:00:02Z").build());

        Map<String, Long> counts = HarnessAccumulators.of(harness);
        assertThat(counts)
                .containsEntry("dedupe.in", 5L)
                .containsEntry("dedupe.out", 3L)
                .containsEntry("dedupe.duplicates", 2L);
        assertThat(counts.get("dedupe.in")).isEqualTo(counts.get("dedupe.out") + counts.get("dedupe.duplicates"));
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, RowData, RowData> restoredHarness(
            OperatorSubtaskState snapshot) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, RowData, RowData> restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                                new DedupeFunction(KEY, new EventTime(SensorRows.TIMESTAMP, 3), RETENTION.toMillis())),
                        KEY,
                        Types.LONG);
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    @Test
    void keysWhoseHashesCollideAreStillToldApart() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Long, RowData, RowData> allInOneHash =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new DedupeFunction(KEY, new EventTime(SensorRows.TIMESTAMP, 3), RETENTION.toMillis()),
                        row -> 7L,
                        Types.LONG)) {
            for (String id : List.of("evt-1", "evt-2", "evt-1", "evt-3", "evt-2")) {
                GenericRowData row = reading(id).at("2026-11-01T10:00:00Z").build();
                allInOneHash.processElement(row, row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
            }

            assertThat(allInOneHash.extractOutputValues().stream().map(SensorRows::idOf))
                    .containsExactly("evt-1", "evt-2", "evt-3");
            allInOneHash.processWatermark(Times.millis("2026-11-01T11:00:00Z"));
            assertThat(allInOneHash.numKeyedStateEntries()).isZero();
            assertThat(allInOneHash.numEventTimeTimers()).isZero();
        }
    }
}
