package io.flowbundle.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The column {@code _unknown} of {@code unknown_fields: keep}: one JSON object holding every field
 * of a record that the contract does not name, at any nesting level, where it was found. An unknown
 * field inside a contract row sits inside an object of that row's name: {@code {"id": "e1",
 * "battery": 80, "location": {"room": "r1", "floor": 3}}} under a contract of {@code id} and {@code
 * location{room}} keeps {@code {"battery": 80, "location": {"floor": 3}}}. Null when a record has
 * none. It is the last column of the decoded row, after the contract's.
 */
public final class UnknownColumn {

    public static final String NAME = "_unknown";

    /** Numbers kept as written (1.10 stays 1.10, 1e400 is no Infinity). */
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                    .build();

    private UnknownColumn() {}

    /** {@code contractType} plus the column {@code _unknown} last, under {@code keep}. */
    public static RowType appendTo(RowType contractType, UnknownFields unknownFields) {
        if (unknownFields != UnknownFields.KEEP) {
            return contractType;
        }
        List<RowType.RowField> fields = new ArrayList<>(contractType.getFields());
        fields.add(new RowType.RowField(NAME, new VarCharType(true, VarCharType.MAX_LENGTH)));
        return new RowType(contractType.isNullable(), fields);
    }

    /** Whether {@code rowType}'s last column is {@code _unknown}. */
    public static boolean isLastOf(RowType rowType) {
        int last = rowType.getFieldCount() - 1;
        return last >= 0
                && rowType.getFieldNames().get(last).equals(NAME)
                && rowType.getTypeAt(last).getTypeRoot() == LogicalTypeRoot.VARCHAR;
    }

    /** {@code rowType} without a last column {@code _unknown}. */
    public static RowType removeFrom(RowType rowType) {
        if (!isLastOf(rowType)) {
            return rowType;
        }
        List<RowType.RowField> fields = new ArrayList<>(rowType.getFields());
        fields.remove(fields.size() - 1);
        return new RowType(rowType.isNullable(), fields);
    }

    /**
     * The JSON object {@code row} (the contract's fields) with the fields of {@code unknown} merged
     * back in where they were found: the record as received, up to key order, number formatting and
     * contract fields it did not have (null here).
     */
    public static String merge(String row, String unknown) {
        try {
            ObjectNode merged = (ObjectNode) JSON.readTree(row);
            mergeInto(merged, (ObjectNode) JSON.readTree(unknown));
            return JSON.writeValueAsString(merged);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mergeInto(ObjectNode target, ObjectNode unknown) {
        Iterator<Map.Entry<String, JsonNode>> fields = unknown.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode known && field.getValue() instanceof ObjectNode) {
                mergeInto(known, (ObjectNode) field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /**
     * The dotted paths of the unknown fields in {@code unknown} (a value of the column): an object
     * under a name {@code contractType} has as a row holds unknown fields of that row; any other
     * name is an unknown field itself, whatever its value.
     */
    public static List<String> paths(String unknown, RowType contractType) {
        List<String> paths = new ArrayList<>();
        try {
            JsonNode node = JSON.readTree(unknown);
            if (node instanceof ObjectNode object) {
                collect(object, contractType, "", paths);
            }
        } catch (JsonProcessingException e) {
            // not written by the decoder: there is nothing to name
        }
        return paths;
    }

    private static void collect(
            ObjectNode object, RowType type, String prefix, List<String> paths) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix + field.getKey();
            int index = type == null ? -1 : type.getFieldIndex(field.getKey());
            LogicalType known = index < 0 ? null : type.getTypeAt(index);
            if (known instanceof RowType nested && field.getValue() instanceof ObjectNode inner) {
                collect(inner, nested, path + ".", paths);
            } else {
                paths.add(path);
            }
        }
    }
}
