package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class BatchDedupeFunctionTest {

    private static final DedupeKey KEY = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));

    @Test
    void keepsTheFirstCopyOfEachKeyAndCountsTheRest() throws Exception {
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new BatchDedupeFunction(KEY))) {
            for (String id : List.of("evt-1", "evt-2", "evt-1", "evt-3", "evt-2", "evt-1")) {
                harness.processElement(reading(id).temperature(id.equals("evt-1") ? 20.0 : 21.0).build(), 0L);
            }

            assertThat(harness.extractOutputValues().stream().map(SensorRows::idOf))
                    .containsExactly("evt-1", "evt-2", "evt-3");
            Map<String, Long> counts = HarnessAccumulators.of(harness);
            assertThat(counts)
                    .containsEntry("dedupe.in", 6L)
                    .containsEntry("dedupe.out", 3L)
                    .containsEntry("dedupe.duplicates", 3L);
        }
    }

    @Test
    void aMissingKeyIsAKeyOfItsOwnNotTheTextNull() throws Exception {
        DedupeKey byDevice = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id"));
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new BatchDedupeFunction(byDevice))) {
            harness.processElement(reading("evt-1").noDevice().build(), 0L);
            harness.processElement(reading("evt-2").device("null").build(), 0L);
            harness.processElement(reading("evt-3").noDevice().build(), 0L);

            assertThat(harness.extractOutputValues().stream().map(SensorRows::idOf)).containsExactly("evt-1", "evt-2");
        }
    }
}
