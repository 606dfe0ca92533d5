package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

class LateEventFilterTest {

    @Test
    void rowsAtOrBehindTheWatermarkLeaveThroughTheLateOutputWithAReason() throws Exception {
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new LateEventFilter(
                                new EventTime(SensorRows.TIMESTAMP, 3),
                                SensorRows.PIPELINE_TYPE,
                                "run-1",
                                "p",
                                "kafka://h:1/t"))) {
            harness.processWatermark(Times.millis("2026-11-01T10:00:00Z"));
            send(harness, reading("on-time").at("2026-11-01T10:00:00.001Z").build());
            send(harness, reading("at-watermark").at("2026-11-01T10:00:00Z").build());
            send(harness, reading("behind").at("2026-11-01T09:00:00Z").build());

            assertThat(harness.extractOutputValues().stream().map(SensorRows::idOf))
                    .containsExactly("on-time");
            List<RowData> late =
                    harness.getSideOutput(ContractGate.LATE).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(late)
                    .hasSize(2)
                    .allSatisfy(
                            r -> {
                                assertThat(r.getString(Rejected.STAGE).toString())
                                        .isEqualTo(Rejected.STAGE_LATE);
                                assertThat(r.getString(Rejected.REASON).toString())
                                        .contains("2026-11-01T10:00:00Z");
                            });
            assertThat(late.get(1).getString(Rejected.RECORD).toString())
                    .contains("\"id\":\"behind\"");
            assertThat(HarnessAccumulators.of(harness)).containsEntry("late.behind_watermark", 2L);
        }
    }

    @Test
    void beforeAnyWatermarkNothingIsLate() throws Exception {
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new LateEventFilter(
                                new EventTime(SensorRows.TIMESTAMP, 3),
                                SensorRows.PIPELINE_TYPE,
                                "run-1",
                                "p",
                                "kafka://h:1/t"))) {
            send(harness, reading("early").at("1970-01-01T00:00:00Z").build());

            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    private static void send(
            OneInputStreamOperatorTestHarness<RowData, RowData> harness, GenericRowData row)
            throws Exception {
        harness.processElement(row, row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
    }
}
