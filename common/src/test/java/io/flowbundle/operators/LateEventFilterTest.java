package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.RejectedRecord;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

class LateEventFilterTest {

    private static final String SOURCE = "kafka://127.0.0.1:9092/sensor-events";

    private OneInputStreamOperatorTestHarness<RowData, RowData> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new LateEventFilter(
                                new EventTime(SensorRows.TIMESTAMP, 3),
                                SensorRows.PIPELINE_TYPE,
                                "run-1",
                                "sensor-hourly-stream",
                                SOURCE));
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private void send(GenericRowData row) throws Exception {
        harness.processElement(row, row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
    }

    private List<RejectedRecord> late() {
        return harness.getSideOutput(LateEventFilter.LATE) == null
                ? List.of()
                : harness.getSideOutput(LateEventFilter.LATE).stream()
                        .map(StreamRecord::getValue)
                        .map(RejectedRecord::of)
                        .toList();
    }

    @Test
    void beforeAnyWatermarkEverythingIsOnTime() throws Exception {
        send(reading("evt-1").at("1970-01-01T00:00:00Z").build());
        send(reading("evt-2").at("2026-11-01T10:00:00Z").build());

        assertThat(harness.extractOutputValues()).extracting(SensorRows::idOf).containsExactly("evt-1", "evt-2");
        assertThat(late()).isEmpty();
    }

    @Test
    void eventsAfterTheWatermarkPass() throws Exception {
        harness.processWatermark(Times.millis("2026-11-01T10:00:00Z"));

        send(reading("evt-1").at("2026-11-01T10:00:00.001Z").build());
        send(reading("evt-2").at("2026-11-01T11:00:00Z").build());

        assertThat(harness.extractOutputValues()).extracting(SensorRows::idOf).containsExactly("evt-1", "evt-2");
        assertThat(late()).isEmpty();
        assertThat(HarnessAccumulators.count(harness, "late.events")).isZero();
    }

    @Test
    void eventsAtOrBehindTheWatermarkGoToTheLateOutputWithAReason() throws Exception {
        harness.processWatermark(Times.millis("2026-11-01T10:00:00Z"));
        GenericRowData atWatermark = reading("evt-1").at("2026-11-01T10:00:00Z").build();
        GenericRowData behind = reading("evt-2").at("2026-11-01T09:15:00Z").temperature(19.5).build();

        send(atWatermark);
        send(behind);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(HarnessAccumulators.count(harness, "late.events")).isEqualTo(2);
        List<RejectedRecord> late = late();
        assertThat(late).hasSize(2);
        RejectedRecord second = late.get(1);
        assertThat(second.runId()).isEqualTo("run-1");
        assertThat(second.pipeline()).isEqualTo("sensor-hourly-stream");
        assertThat(second.stage()).isEqualTo(Rejected.STAGE_LATE);
        assertThat(second.rule()).isEqualTo("late");
        assertThat(second.column()).isNull();
        assertThat(second.reason())
                .contains("event time 2026-11-01T09:15:00Z")
                .contains("behind the watermark 2026-11-01T10:00:00Z");
        assertThat(second.source()).isEqualTo(SOURCE);
        assertThat(second.partition()).isNull();
        assertThat(second.offset()).isNull();
        assertThat(second.recordEncoding()).isEqualTo("utf-8");
        assertThat(new JsonRowDecoder(SensorRows.PIPELINE_TYPE).decode(second.record().getBytes(StandardCharsets.UTF_8)))
                .as("the late record is the row as JSON")
                .isEqualTo(behind);
        assertThat(late.get(0).reason()).contains("event time 2026-11-01T10:00:00Z");
    }

    @Test
    void anEventIsJudgedAgainstTheWatermarkWhenItArrives() throws Exception {
        harness.processWatermark(Times.millis("2026-11-01T10:00:00Z"));
        send(reading("evt-1").at("2026-11-01T10:30:00Z").build());
        harness.processWatermark(Times.millis("2026-11-01T11:00:00Z"));
        send(reading("evt-2").at("2026-11-01T10:30:00Z").build());

        assertThat(harness.extractOutputValues()).extracting(SensorRows::idOf).containsExactly("evt-1");
        assertThat(late()).extracting(r -> r.reason().contains("2026-11-01T10:30:00Z")).containsExactly(true);
    }
}
