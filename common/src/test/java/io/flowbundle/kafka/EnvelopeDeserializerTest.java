package io.flowbundle.kafka;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.contract.Violation;
import io.flowbundle.operators.Envelope;
import io.flowbundle.operators.JsonRowEncoder;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.table.data.RowData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EnvelopeDeserializerTest {

    private static final long BOUND_MILLIS = 10_000L;

    private final EnvelopeDeserializer deserializer =
            new EnvelopeDeserializer(SensorRows.PIPELINE_TYPE, SensorRows.TIMESTAMP, BOUND_MILLIS);
    private final JsonRowEncoder encoder = new JsonRowEncoder(SensorRows.PIPELINE_TYPE);
    private long nextOffset;

    /** A valid reading with event time {@code iso}, read from {@code partition}. */
    private RowData read(int partition, String iso) {
        return read(partition, encoder.encode(reading("evt-" + nextOffset).at(iso).build()));
    }

    private RowData read(int partition, byte[] value) {
        List<RowData> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("sensor-events", partition, nextOffset++, null, value),
                new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private RowData readJson(int partition, String json) {
        return read(partition, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The partition watermark a late envelope is behind, or null when it is on time. */
    private static Long lateBehind(RowData envelope) {
        return Envelope.isLate(envelope) ? envelope.getLong(Envelope.LATE_BEHIND) : null;
    }

    @Test
    void decodedRecordsKeepTheirRawBytesAndPosition() {
        byte[] json = encoder.encode(reading("evt-1").at("2026-11-01T10:00:00Z").build());

        RowData envelope = read(3, json);

        assertThat(Envelope.isDecoded(envelope)).isTrue();
        assertThat(Envelope.payload(envelope, SensorRows.PIPELINE_TYPE.getFieldCount()))
                .isEqualTo(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        assertThat(envelope.getBinary(Envelope.RAW)).isEqualTo(json);
        assertThat(envelope.getInt(Envelope.PARTITION)).isEqualTo(3);
        assertThat(envelope.getLong(Envelope.OFFSET)).isZero();
        assertThat(deserializer.getProducedType())
                .isEqualTo(Envelope.typeInfo(SensorRows.PIPELINE_TYPE));
    }

    @Test
    void theFirstRecordOfEachPartitionIsNeverLate() {
        assertThat(lateBehind(read(0, "2026-11-01T10:00:00Z"))).isNull();
        assertThat(lateBehind(read(1, "2026-11-01T09:00:00Z")))
                .as("an hour behind partition 0, but the first of partition 1")
                .isNull();
    }

    @Test
    void aRecordIsLateOnlyRelativeToItsOwnPartition() {
        read(0, "2026-11-01T10:00:00Z");
        read(1, "2026-11-01T09:00:00Z");

        assertThat(lateBehind(read(1, "2026-11-01T09:00:05Z"))).isNull();
        assertThat(lateBehind(read(1, "2026-11-01T08:59:56Z")))
                .as("within partition 1's bound")
                .isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:00:05Z")))
                .as("the same time is late in partition 0, which is an hour ahead")
                .isEqualTo(Times.millis("2026-11-01T09:59:49.999Z"));
        assertThat(lateBehind(read(1, "2026-11-01T08:59:54.999Z")))
                .as("partition 1's own watermark: its max 09:00:05 - 10s - 1ms")
                .isEqualTo(Times.millis("2026-11-01T08:59:54.999Z"));
    }

    @Test
    void theBoundIsRespectedExactlyAtTheEdge() {
        read(0, "2026-11-01T10:00:00Z");

        assertThat(lateBehind(read(0, "2026-11-01T09:59:50.000Z")))
                .as("exactly the bound behind the max is still on time")
                .isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:59:49.999Z")))
                .as("one millisecond more is at the watermark, so late")
                .isEqualTo(Times.millis("2026-11-01T09:59:49.999Z"));
    }

    @Test
    void onlyANewerEventTimeMovesThePartitionsMax() {
        read(0, "2026-11-01T10:00:00Z");
        read(0, "2026-11-01T09:59:55Z");
        read(0, "2026-11-01T09:59:00Z");

        assertThat(lateBehind(read(0, "2026-11-01T09:59:50Z")))
                .as("neither an older on-time record nor a late one lowered the max")
                .isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:59:49.999Z"))).isNotNull();

        read(0, "2026-11-01T10:00:20Z");

        assertThat(lateBehind(read(0, "2026-11-01T10:00:10Z"))).isNull();
        assertThat(lateBehind(read(0, "2026-11-01T10:00:09.999Z")))
                .isEqualTo(Times.millis("2026-11-01T10:00:09.999Z"));
    }

    @Test
    void recordsWithoutAnEventTimeAreNeverLateAndDoNotMoveTheMax() {
        RowData firstWithoutTime = read(0, encoder.encode(reading("evt-x").noTimestamp().build()));
        read(0, "2026-11-01T10:00:00Z");
        RowData laterWithoutTime = read(0, encoder.encode(reading("evt-y").noTimestamp().build()));

        assertThat(Envelope.isDecoded(firstWithoutTime)).isTrue();
        assertThat(lateBehind(firstWithoutTime)).isNull();
        assertThat(lateBehind(laterWithoutTime)).isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:59:50Z"))).isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:59:49.999Z"))).isNotNull();
    }

    @Test
    void recordsThatDoNotDecodeAreNeverLateAndDoNotMoveTheMax() {
        read(0, "2026-11-01T10:00:00Z");

        RowData newerButBroken =
                readJson(
                        0,
                        "{\"timestamp\": \"2026-11-01T12:00:00Z\", \"temperature_c\": \"warm\"}");
        RowData olderAndBroken =
                readJson(0, "{\"timestamp\": \"2026-11-01T09:00:00Z\", \"id\": 5}");
        RowData tombstone = read(0, (byte[]) null);

        assertThat(List.of(newerButBroken, olderAndBroken, tombstone))
                .allSatisfy(
                        envelope -> {
                            assertThat(Envelope.isDecoded(envelope)).isFalse();
                            assertThat(Envelope.isLate(envelope)).isFalse();
                        });
        assertThat(Envelope.failure(newerButBroken).rule()).isEqualTo(Violation.TYPE);
        assertThat(lateBehind(read(0, "2026-11-01T09:59:50Z")))
                .as("the broken record's 12:00 did not become the partition's max")
                .isNull();
    }

    @Test
    void partitionsSeenLaterDoNotResetTheOthers() {
        read(0, "2026-11-01T10:00:00Z");
        read(7, "2026-11-01T10:00:00Z");

        assertThat(lateBehind(read(42, "2026-11-01T08:00:00Z"))).isNull();
        assertThat(lateBehind(read(0, "2026-11-01T09:00:00Z"))).isNotNull();
        assertThat(lateBehind(read(7, "2026-11-01T09:00:00Z"))).isNotNull();
        assertThat(lateBehind(read(42, "2026-11-01T07:00:00Z"))).isNotNull();
    }
}
