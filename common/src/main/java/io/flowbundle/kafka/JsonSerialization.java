package io.flowbundle.kafka;

import io.flowbundle.operators.JsonRowEncoder;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/** Rows as JSON objects, for Kafka record values. */
public final class JsonSerialization implements SerializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final JsonRowEncoder encoder;

    public JsonSerialization(RowType rowType) {
        this.encoder = new JsonRowEncoder(rowType);
    }

    @Override
    public byte[] serialize(RowData row) {
        return encoder.encode(row);
    }
}
