package io.flowbundle.kafka;

import io.flowbundle.contract.Violation;
import io.flowbundle.operators.DecodeException;
import io.flowbundle.operators.Envelope;
import io.flowbundle.operators.JsonRowDecoder;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records into {@link Envelope}s inside the source, so timestamps and watermarks are
 * taken per partition from the decoded event time. A record that does not decode is not an error
 * of the job: it becomes an envelope carrying the reason and the raw bytes, for the dead-letter
 * output.
 */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType payloadType;
    private final JsonRowDecoder decoder;

    public EnvelopeDeserializer(RowType payloadType) {
        this.payloadType = payloadType;
        this.decoder = new JsonRowDecoder(payloadType);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out) {
        byte[] value = record.value();
        if (value == null) {
            out.collect(
                    Envelope.ofFailure(
                            new Violation(Violation.PARSE, null, "record has no value (tombstone)"),
                            new byte[0],
                            record.partition(),
                            record.offset()));
            return;
        }
        try {
            out.collect(
                    Envelope.ofRecord(
                            decoder.decode(value), value, record.partition(), record.offset()));
        } catch (DecodeException e) {
            out.collect(
                    Envelope.ofFailure(e.violation(), value, record.partition(), record.offset()));
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return Envelope.typeInfo(payloadType);
    }
}
