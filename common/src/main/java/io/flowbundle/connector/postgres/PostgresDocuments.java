package io.flowbundle.connector.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.contract.Contract;
import io.flowbundle.operators.JsonRowEncoder;
import io.flowbundle.operators.Rejected;
import io.flowbundle.operators.Timestamps;
import io.flowbundle.spec.PipelineSpec;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Turns the rows a sink receives into documents: the row as JSON ({@link JsonRowEncoder}: decoded
 * types, nested rows as objects), its stable id, its event time and where it came from.
 *
 * <p>The id of a record is its key columns as text: the contract's primary key (the output
 * contract's for a {@code sink}), else the dedupe key, else the whole row (so a replay of the same
 * results is still the same document). Several key columns make a JSON array of their texts. A
 * rejected record has no key it can be trusted with, so its id is where it was rejected: the run,
 * the stage and its position in the source (Kafka partition and offset), or, where no position is
 * known (Parquet input, output rows), a digest of the record and the rule it broke.
 *
 * <p>A future {@code _unknown} column (fields the contract does not name) would be merged back into
 * the document here, which is why the document is built from the row and not from the raw input.
 */
final class PostgresDocuments implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row as the sink writes it. */
    record Document(String id, String json, OffsetDateTime eventTime, String source) {}

    private final RowType rowType;
    private final int[] keys;
    private final int eventTime;
    private final String source;
    private final boolean rejected;
    private final JsonRowEncoder encoder;
    private transient RowData.FieldGetter[] getters;

    private PostgresDocuments(
            RowType rowType, int[] keys, int eventTime, String source, boolean rejected) {
        this.rowType = rowType;
        this.keys = keys;
        this.eventTime = eventTime;
        this.source = source;
        this.rejected = rejected;
        this.encoder = new JsonRowEncoder(rowType);
    }

    /** How the rows of the sink in {@code context} become documents. */
    static PostgresDocuments of(SinkContext context) {
        RowType rowType = context.rowType();
        if (context.role() == Role.QUARANTINE || rowType.equals(Rejected.TYPE)) {
            return new PostgresDocuments(rowType, new int[0], -1, null, true);
        }
        PipelineSpec spec = context.spec();
        List<String> names = rowType.getFieldNames();
        int[] keys = keyColumns(spec, context.role(), names);
        int eventTime = spec.eventTime() == null ? -1 : names.indexOf(spec.eventTime());
        if (eventTime >= 0 && !isTimestamp(rowType.getTypeAt(eventTime))) {
            eventTime = -1;
        }
        return new PostgresDocuments(rowType, keys, eventTime, spec.source().describe(), false);
    }

    private static int[] keyColumns(PipelineSpec spec, Role role, List<String> names) {
        List<List<String>> candidates = new ArrayList<>();
        if (role == Role.SINK) {
            spec.outputContractSpec().map(Contract::primaryKey).ifPresent(candidates::add);
        }
        if (spec.contract() != null) {
            candidates.add(spec.contract().primaryKey());
        }
        spec.dedupeSpec().map(PipelineSpec.Dedupe::key).ifPresent(candidates::add);
        for (List<String> candidate : candidates) {
            if (!candidate.isEmpty() && names.containsAll(candidate)) {
                return candidate.stream().mapToInt(names::indexOf).toArray();
            }
        }
        return new int[0];
    }

    /**
     * The key columns' positions in the row; empty when the whole row is the key (or for rejected
     * rows).
     */
    int[] keys() {
        return keys.clone();
    }

    Document document(RowData row) {
        if (getters == null) {
            getters = new RowData.FieldGetter[rowType.getFieldCount()];
            for (int i = 0; i < getters.length; i++) {
                getters[i] = RowData.createFieldGetter(rowType.getTypeAt(i), i);
            }
        }
        String json = encoder.encodeToString(row);
        if (rejected) {
            return rejectedDocument(row, json);
        }
        String id;
        if (keys.length == 0) {
            id = json;
        } else if (keys.length == 1) {
            id = text(keys[0], row);
        } else {
            List<String> texts = new ArrayList<>(keys.length);
            for (int key : keys) {
                texts.add(text(key, row));
            }
            id = toJson(texts);
        }
        OffsetDateTime time =
                eventTime < 0 || row.isNullAt(eventTime)
                        ? null
                        : ((TimestampData) getters[eventTime].getFieldOrNull(row))
                                .toInstant()
                                .atOffset(ZoneOffset.UTC);
        return new Document(id, json, time, source);
    }

    private Document rejectedDocument(RowData row, String json) {
        String runId = row.getString(0).toString();
        String stage = row.getString(Rejected.STAGE).toString();
        String origin = row.isNullAt(6) ? "" : row.getString(6).toString();
        String position;
        if (!row.isNullAt(7) && !row.isNullAt(8)) {
            position = row.getInt(7) + "/" + row.getLong(8);
            origin = origin + "/" + position;
        } else {
            position =
                    digest(
                            (row.isNullAt(Rejected.RECORD)
                                            ? ""
                                            : row.getString(Rejected.RECORD).toString())
                                    + "\n"
                                    + row.getString(Rejected.RULE)
                                    + "\n"
                                    + (row.isNullAt(Rejected.COLUMN)
                                            ? ""
                                            : row.getString(Rejected.COLUMN)));
        }
        String id =
                runId
                        + "/"
                        + stage
                        + "/"
                        + (row.isNullAt(6) ? "" : row.getString(6))
                        + "/"
                        + position;
        return new Document(id, json, null, origin);
    }

    /**
     * A key column's value as text: strings as they are, timestamps and dates in ISO-8601 (as in
     * the JSON).
     */
    private String text(int index, RowData row) {
        Object value = getters[index].getFieldOrNull(row);
        if (value == null) {
            return "";
        }
        LogicalType type = rowType.getTypeAt(index);
        if (value instanceof TimestampData timestamp) {
            return Timestamps.format(timestamp);
        }
        if (type.getTypeRoot() == LogicalTypeRoot.DATE) {
            return LocalDate.ofEpochDay((Integer) value).toString();
        }
        return value.toString();
    }

    private static boolean isTimestamp(LogicalType type) {
        return type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                || type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    }

    private static String toJson(List<String> texts) {
        try {
            return JSON.writeValueAsString(texts);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
