package io.flowbundle.operators;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.flowbundle.contract.UnknownColumn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes rows as JSON objects: timestamps as ISO-8601 UTC strings ({@code ...Z}), dates as {@code
 * YYYY-MM-DD}, nested rows as objects, nulls as null, and NaN and infinities, which JSON has no
 * number for, as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}. The inverse
 * of {@link JsonRowDecoder}: a last column {@code _unknown} ({@link UnknownColumn}) is not written
 * as a field, its fields are merged back in where the decoder found them.
 */
public final class JsonRowEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final boolean mergesUnknown;
    private transient JsonFactory factory;
    private transient ByteArrayOutputStream buffer;
    private transient FieldWriter[] writers;

    public JsonRowEncoder(RowType rowType) {
        this.rowType = rowType;
        this.mergesUnknown = UnknownColumn.isLastOf(rowType);
    }

    public byte[] encode(RowData row) {
        if (writers == null) {
            factory = JsonFactory.builder().enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
            buffer = new ByteArrayOutputStream(256);
            // _unknown is written by merging, after the other fields
            writers = writersFor(mergesUnknown ? UnknownColumn.removeFrom(rowType) : rowType);
        }
        buffer.reset();
        try (JsonGenerator generator = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            writeRow(generator, row, rowType, writers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int unknown = rowType.getFieldCount() - 1;
        if (mergesUnknown && !row.isNullAt(unknown)) {
            return UnknownColumn.merge(
                            buffer.toString(StandardCharsets.UTF_8),
                            row.getString(unknown).toString())
                    .getBytes(StandardCharsets.UTF_8);
        }
        return buffer.toByteArray();
    }

    public String encodeToString(RowData row) {
        return new String(encode(row), StandardCharsets.UTF_8);
    }

    private interface FieldWriter {
        void write(JsonGenerator generator, RowData row, int index) throws IOException;
    }

    private static FieldWriter[] writersFor(RowType type) {
        List<RowType.RowField> fields = type.getFields();
        FieldWriter[] out = new FieldWriter[fields.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = writerFor(fields.get(i).getType());
        }
        return out;
    }

    private static void writeRow(
            JsonGenerator generator, RowData row, RowType type, FieldWriter[] writers)
            throws IOException {
        generator.writeStartObject();
        List<RowType.RowField> fields = type.getFields();
        for (int i = 0; i < writers.length; i++) {
            generator.writeFieldName(fields.get(i).getName());
            if (row.isNullAt(i)) {
                generator.writeNull();
            } else {
                writers[i].write(generator, row, i);
            }
        }
        generator.writeEndObject();
    }

    private static FieldWriter writerFor(LogicalType type) {
        switch (type.getTypeRoot()) {
            case VARCHAR:
            case CHAR:
                return (g, row, i) -> g.writeString(row.getString(i).toString());
            case INTEGER:
                return (g, row, i) -> g.writeNumber(row.getInt(i));
            case BIGINT:
                return (g, row, i) -> g.writeNumber(row.getLong(i));
            case DOUBLE:
                return (g, row, i) -> g.writeNumber(row.getDouble(i));
            case FLOAT:
                return (g, row, i) -> g.writeNumber(row.getFloat(i));
            case SMALLINT:
                return (g, row, i) -> g.writeNumber(row.getShort(i));
            case TINYINT:
                return (g, row, i) -> g.writeNumber(row.getByte(i));
            case BOOLEAN:
                return (g, row, i) -> g.writeBoolean(row.getBoolean(i));
            case DATE:
                return (g, row, i) -> g.writeString(LocalDate.ofEpochDay(row.getInt(i)).toString());
            case DECIMAL:
                return (g, row, i) -> {
                    org.apache.flink.table.types.logical.DecimalType decimal =
                            (org.apache.flink.table.types.logical.DecimalType) type;
                    g.writeNumber(
                            row.getDecimal(i, decimal.getPrecision(), decimal.getScale())
                                    .toBigDecimal());
                };
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                {
                    int precision =
                            type instanceof org.apache.flink.table.types.logical.TimestampType
                                    ? ((org.apache.flink.table.types.logical.TimestampType) type)
                                            .getPrecision()
                                    : ((org.apache.flink.table.types.logical
                                                            .LocalZonedTimestampType)
                                                    type)
                                            .getPrecision();
                    return (g, row, i) ->
                            g.writeString(Timestamps.format(row.getTimestamp(i, precision)));
                }
            case ROW:
                {
                    RowType nested = (RowType) type;
                    FieldWriter[] nestedWriters = writersFor(nested);
                    return (g, row, i) ->
                            writeRow(
                                    g,
                                    row.getRow(i, nested.getFieldCount()),
                                    nested,
                                    nestedWriters);
                }
            default:
                return (g, row, i) ->
                        g.writeString(
                                String.valueOf(
                                        RowData.createFieldGetter(type, i).getFieldOrNull(row)));
        }
    }
}
