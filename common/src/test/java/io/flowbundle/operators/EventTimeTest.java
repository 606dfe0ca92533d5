package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.contract.Violation;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

class EventTimeTest {

    private final EventTime eventTime = new EventTime(SensorRows.TIMESTAMP, 3);
    private final SerializableTimestampAssigner<RowData> assigner =
            eventTime.envelopeAssigner(SensorRows.PIPELINE_TYPE.getFieldCount());

    @Test
    void readsTheEventTimeColumnAsEpochMillis() {
        assertThat(eventTime.millis(reading("evt-1").at("2026-11-01T10:01:30.250Z").build()))
                .isEqualTo(Times.millis("2026-11-01T10:01:30.250Z"));
        assertThat(eventTime.index()).isEqualTo(SensorRows.TIMESTAMP);
    }

    @Test
    void decodedEnvelopesAreStampedWithTheirEventTime() {
        RowData envelope =
                Envelope.ofRecord(
                        reading("evt-1").at("2026-11-01T10:01:30Z").build(),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        0,
                        1L,
                        null);

        assertThat(assigner.extractTimestamp(envelope, 0L))
                .isEqualTo(Times.millis("2026-11-01T10:01:30Z"));
        assertThat(Envelope.isLate(envelope)).isFalse();
        assertThat(
                        assigner.extractTimestamp(
                                Envelope.ofRow(reading("evt-2").at("2026-11-02T00:00:00Z").build()),
                                0L))
                .isEqualTo(Times.millis("2026-11-02T00:00:00Z"));
    }

    @Test
    void recordsWithoutAnEventTimeCannotMoveTheWatermark() {
        RowData failure =
                Envelope.ofFailure(
                        new Violation(Violation.PARSE, null, "not valid JSON"),
                        new byte[] {'{'},
                        0,
                        2L);
        RowData noTime = Envelope.ofRow(reading("evt-3").noTimestamp().build());

        assertThat(assigner.extractTimestamp(failure, 123L)).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(noTime, 123L)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void envelopesCarryTheFailureOrThePayload() {
        Violation violation =
                new Violation(Violation.TYPE, "location.room", "location.room: expected a string");
        RowData failure = Envelope.ofFailure(violation, new byte[] {1, 2}, 4, 99L);
        RowData decoded = Envelope.ofRow(reading("evt-1").build());

        assertThat(Envelope.isDecoded(failure)).isFalse();
        assertThat(Envelope.failure(failure)).isEqualTo(violation);
        assertThat(failure.getInt(Envelope.PARTITION)).isEqualTo(4);
        assertThat(failure.getLong(Envelope.OFFSET)).isEqualTo(99L);
        assertThat(Envelope.isDecoded(decoded)).isTrue();
        assertThat(Envelope.payload(decoded, SensorRows.PIPELINE_TYPE.getFieldCount()))
                .isEqualTo(reading("evt-1").build());
        assertThat(decoded.isNullAt(Envelope.RAW)).isTrue();
        assertThat(Envelope.isLate(decoded))
                .as("rows that need no decoding are never late")
                .isFalse();
        assertThat(Envelope.isLate(failure))
                .as("records that did not decode are never late")
                .isFalse();
        assertThat(Envelope.type(SensorRows.PIPELINE_TYPE).getFieldNames())
                .containsExactly(
                        "payload",
                        "error_rule",
                        "error_column",
                        "error_message",
                        "raw",
                        "partition",
                        "offset",
                        "late_behind");
    }
}
