package io.flowbundle.kafka;

import io.flowbundle.contract.UnknownFields;
import io.flowbundle.contract.Violation;
import io.flowbundle.operators.DecodeException;
import io.flowbundle.operators.Envelope;
import io.flowbundle.operators.JsonRowDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records into {@link Envelope}s inside the source, so timestamps and watermarks are
 * taken per partition from the decoded event time. A record that does not decode is not an error of
 * the job: it becomes an envelope carrying the reason and the raw bytes, for the dead-letter
 * output.
 *
 * <p>It also decides which records are late, per partition: a record is late when its event time is
 * at or behind its partition's watermark ({@code max event time so far - bound - 1ms}, the same
 * bounded-out-of-orderness watermark the source emits). Deciding here, rather than at the window
 * operator, makes lateness depend only on the order of records within a partition, which Kafka
 * keeps, and not on how fast partitions happen to be read: a replay classifies the same records as
 * late as the live run did. Records let through can never be dropped by a window downstream, whose
 * watermark is at most the minimum of the partitions' watermarks.
 */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType payloadType;
    private final JsonRowDecoder decoder;
    private final int eventTimeIndex;
    private final long boundMillis;

    /** Highest event time seen per partition (index = partition), Long.MIN_VALUE if none yet. */
    private transient long[] maxEventTime;

    /**
     * @param contractType the contract's columns, event time at millisecond precision
     * @param eventTimeIndex the event-time column in {@code contractType} (TIMESTAMP(3))
     * @param boundMillis the watermark's out-of-orderness bound (max_out_of_orderness +
     *     allowed_lateness)
     */
    public EnvelopeDeserializer(RowType contractType, int eventTimeIndex, long boundMillis) {
        this(contractType, eventTimeIndex, boundMillis, UnknownFields.DROP);
    }

    /**
     * @param unknownFields what decoding does with a field the contract does not name (under keep,
     *     the payload has the column {@code _unknown} after the contract's)
     */
    public EnvelopeDeserializer(
            RowType contractType,
            int eventTimeIndex,
            long boundMillis,
            UnknownFields unknownFields) {
        this.decoder = new JsonRowDecoder(contractType, unknownFields);
        this.payloadType = decoder.rowType();
        this.eventTimeIndex = eventTimeIndex;
        this.boundMillis = boundMillis;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out) {
        byte[] value = record.value();
        if (value == null) {
            out.collect(
                    Envelope.ofFailure(
                            new Violation(Violation.PARSE, null, tombstone(record.key())),
                            new byte[0],
                            record.partition(),
                            record.offset()));
            return;
        }
        try {
            RowData row = decoder.decode(value);
            out.collect(
                    Envelope.ofRecord(
                            row,
                            value,
                            record.partition(),
                            record.offset(),
                            lateBehind(record.partition(), row)));
        } catch (DecodeException e) {
            out.collect(
                    Envelope.ofFailure(e.violation(), value, record.partition(), record.offset()));
        }
    }

    /**
     * A tombstone deletes its key, and the dead-letter record has no value to carry it: the reason
     * names the key, so what was deleted is not lost.
     */
    private static String tombstone(byte[] key) {
        if (key == null) {
            return "record has no value (tombstone)";
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            text = "base64:" + Base64.getEncoder().encodeToString(key);
        }
        return "record has no value (tombstone of key '" + Violation.quote(text) + "')";
    }

    /** The partition's watermark if the row is at or behind it, else null (and track its time). */
    private Long lateBehind(int partition, RowData row) {
        if (row.isNullAt(eventTimeIndex)) {
            return null;
        }
        long time = row.getTimestamp(eventTimeIndex, 3).getMillisecond();
        if (maxEventTime == null || partition >= maxEventTime.length) {
            long[] grown = new long[Math.max(partition + 1, 8)];
            java.util.Arrays.fill(grown, Long.MIN_VALUE);
            if (maxEventTime != null) {
                System.arraycopy(maxEventTime, 0, grown, 0, maxEventTime.length);
            }
            maxEventTime = grown;
        }
        long max = maxEventTime[partition];
        if (max != Long.MIN_VALUE) {
            long watermark = max - boundMillis - 1;
            if (time <= watermark) {
                return watermark;
            }
        }
        if (time > max) {
            maxEventTime[partition] = time;
        }
        return null;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return Envelope.typeInfo(payloadType);
    }
}
