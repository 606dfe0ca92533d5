package io.flowbundle.operators;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.UnknownFields;
import io.flowbundle.contract.Violation;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Decodes one JSON object into a row of the contract's type with Jackson's streaming parser (no
 * tree, no reflection). Fields the contract does not name, at any nesting level, are copied as they
 * are into the JSON object of a last column {@code _unknown} ({@link UnknownFields#KEEP}, {@link
 * UnknownColumn}), skipped ({@link UnknownFields#DROP}) or fail the record with an {@code unknown}
 * violation naming the first one's dotted path ({@link UnknownFields#REJECT}). A record whose
 * fields are all the contract's costs the same under each. Absent fields are null, and a value of
 * the wrong JSON type fails the record with a {@code type} violation naming the field path;
 * malformed JSON fails with a {@code parse} violation naming the line and column.
 */
public final class JsonRowDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RowType contractType;
    private final UnknownFields unknownFields;
    private transient JsonFactory factory;
    private transient RowDecoder root;
    private transient UnknownCollector unknowns;

    /** A decoder that drops the fields {@code contractType} does not name. */
    public JsonRowDecoder(RowType contractType) {
        this(contractType, UnknownFields.DROP);
    }

    /**
     * @param contractType the contract's columns (without {@code _unknown})
     */
    public JsonRowDecoder(RowType contractType, UnknownFields unknownFields) {
        this.contractType = contractType;
        this.unknownFields = unknownFields;
    }

    /** The type of the rows decoded: the contract's, plus {@code _unknown} under keep. */
    public RowType rowType() {
        return UnknownColumn.appendTo(contractType, unknownFields);
    }

    public RowData decode(byte[] bytes) throws DecodeException {
        if (root == null) {
            factory =
                    JsonFactory.builder()
                            .streamReadConstraints(
                                    StreamReadConstraints.builder().maxNestingDepth(64).build())
                            .recyclerPool(new OwnRecycler())
                            .build();
            if (unknownFields == UnknownFields.KEEP) {
                unknowns = new UnknownCollector(factory);
            }
            root =
                    new RowDecoder(
                            "",
                            contractType,
                            unknownFields == UnknownFields.REJECT,
                            unknowns,
                            contractType.getFieldCount() + (unknowns == null ? 0 : 1));
        }
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException(
                    new Violation(Violation.PARSE, null, "empty record (no JSON object)"));
        }
        try (JsonParser parser = factory.createParser(bytes)) {
            try {
                return readRecord(parser);
            } catch (StreamConstraintsException e) {
                // a limit (nesting depth, length of a number or string) has no location of its own
                throw new DecodeException(
                        notValidJson(e.getOriginalMessage(), parser.currentLocation()));
            }
        } catch (JsonParseException e) {
            throw new DecodeException(notValidJson(e.getOriginalMessage(), e.getLocation()));
        } catch (IOException e) {
            throw new DecodeException(
                    new Violation(Violation.PARSE, null, "not valid JSON: " + e.getMessage()));
        }
    }

    private RowData readRecord(JsonParser parser) throws IOException, DecodeException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new DecodeException(
                    new Violation(
                            Violation.PARSE,
                            null,
                            "expected a JSON object, got " + describe(first, parser)));
        }
        RowData row;
        if (unknowns == null) {
            row = root.read(parser);
        } else {
            unknowns.reset();
            GenericRowData read = root.read(parser);
            String kept = unknowns.finish();
            if (kept != null) {
                read.setField(contractType.getFieldCount(), StringData.fromString(kept));
            }
            row = read;
        }
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new DecodeException(
                    new Violation(
                            Violation.PARSE,
                            null,
                            "unexpected content after the JSON object at column "
                                    + parser.currentLocation().getColumnNr()));
        }
        return row;
    }

    /**
     * Jackson's message in the words of a producer of JSON, not of a Jackson user: without the
     * Jackson settings it names, which a producer cannot change and which this decoder keeps.
     */
    private static Violation notValidJson(String jacksonMessage, JsonLocation location) {
        String message =
                jacksonMessage
                        .replace(
                                "enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
                                "JSON has no NaN or Infinity; write \"NaN\", \"Infinity\" or"
                                        + " \"-Infinity\" as a string")
                        .replaceAll(", from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "");
        return new Violation(
                Violation.PARSE,
                null,
                "not valid JSON: "
                        + message
                        + " at line "
                        + location.getLineNr()
                        + ", column "
                        + location.getColumnNr());
    }

    private static String describe(JsonToken token, JsonParser parser) throws IOException {
        if (token == null) {
            return "nothing";
        }
        switch (token) {
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number (" + parser.getText() + ")";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.asString();
        }
    }

    /** Reads one value of one logical type. */
    private interface ValueDecoder {
        Object read(JsonParser parser, JsonToken token) throws IOException, DecodeException;
    }

    private static final class RowDecoder implements ValueDecoder {
        private final String path;
        private final String name;
        private final boolean rejectUnknown;
        private final UnknownCollector unknowns;
        private final int arity;
        private final int rowArity;
        private final Map<String, Integer> indexByName = new HashMap<>();

        /** Field names in contract order, pre-encoded for Jackson's name matching. */
        private final SerializedString[] names;

        private final ValueDecoder[] fields;

        /**
         * @param unknowns where unknown fields are kept, or null to skip (or reject) them
         * @param rowArity the size of the rows made: {@code type}'s fields and any after them
         */
        RowDecoder(
                String path,
                RowType type,
                boolean rejectUnknown,
                UnknownCollector unknowns,
                int rowArity) {
            this.path = path;
            this.name = path.substring(path.lastIndexOf('.') + 1);
            this.rejectUnknown = rejectUnknown;
            this.unknowns = unknowns;
            this.rowArity = rowArity;
            List<RowType.RowField> rowFields = type.getFields();
            this.arity = rowFields.size();
            this.fields = new ValueDecoder[arity];
            this.names = new SerializedString[arity];
            for (int i = 0; i < arity; i++) {
                RowType.RowField field = rowFields.get(i);
                String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
                indexByName.put(field.getName(), i);
                names[i] = new SerializedString(field.getName());
                fields[i] = decoderFor(fieldPath, field.getType(), rejectUnknown, unknowns);
            }
        }

        GenericRowData read(JsonParser parser) throws IOException, DecodeException {
            GenericRowData row = new GenericRowData(rowArity);
            int expected = 0;
            while (true) {
                Integer index;
                // producers usually write fields in the contract's order: then the next name is
                // matched against the expected one's bytes, without a symbol table lookup
                if (expected < arity && parser.nextFieldName(names[expected])) {
                    index = expected;
                } else {
                    // nextFieldName moved on to the next token whether or not it matched
                    JsonToken token = expected < arity ? parser.currentToken() : parser.nextToken();
                    if (token != JsonToken.FIELD_NAME) {
                        break;
                    }
                    index = indexByName.get(parser.currentName());
                }
                if (index == null && rejectUnknown) {
                    throw unknownField(parser.currentName());
                }
                JsonToken value = parser.nextToken();
                if (index == null) {
                    if (unknowns == null) {
                        parser.skipChildren();
                    } else {
                        unknowns.copy(parser);
                    }
                    continue;
                }
                row.setField(
                        index,
                        value == JsonToken.VALUE_NULL ? null : fields[index].read(parser, value));
                expected = index + 1;
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new DecodeException(
                        new Violation(
                                Violation.PARSE,
                                path.isEmpty() ? null : path,
                                "unterminated object"));
            }
            return row;
        }

        /**
         * An {@code unknown} violation without a column: the field is none of the contract's, and
         * per-rule counts stay one per rule whatever names producers send.
         */
        private DecodeException unknownField(String name) {
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            return new DecodeException(
                    new Violation(
                            Violation.UNKNOWN,
                            null,
                            "unknown field " + Violation.quote(fieldPath)));
        }

        @Override
        public Object read(JsonParser parser, JsonToken token) throws IOException, DecodeException {
            if (token != JsonToken.START_OBJECT) {
                throw typeError(path, "an object", token, parser);
            }
            if (unknowns == null) {
                return read(parser);
            }
            unknowns.enter(name);
            GenericRowData row = read(parser);
            unknowns.exit();
            return row;
        }
    }

    /**
     * Copies the unknown fields of one record into one JSON object, nested as found. The objects
     * leading to a field are written only when the first unknown field inside them is met, so a
     * record of known fields only writes nothing (and costs an entry and an exit per nested row).
     */
    private static final class UnknownCollector {
        private final JsonFactory factory;
        private final CharArrayWriter buffer = new CharArrayWriter(128);
        private String[] names = new String[8];
        private boolean[] open = new boolean[8];
        private int depth;
        private JsonGenerator generator;

        UnknownCollector(JsonFactory factory) {
            this.factory = factory;
        }

        void reset() {
            depth = 0;
            open[0] = false;
            generator = null;
        }

        void enter(String name) {
            depth++;
            if (depth == names.length) {
                names = java.util.Arrays.copyOf(names, depth * 2);
                open = java.util.Arrays.copyOf(open, depth * 2);
            }
            names[depth] = name;
            open[depth] = false;
        }

        void exit() throws IOException {
            if (open[depth]) {
                generator.writeEndObject();
            }
            depth--;
        }

        /** Copies the field the parser is at (its value the current token) as it is. */
        void copy(JsonParser parser) throws IOException {
            if (generator == null) {
                buffer.reset();
                generator = factory.createGenerator(buffer);
            }
            for (int i = 0; i <= depth; i++) {
                if (!open[i]) {
                    if (i > 0) {
                        generator.writeFieldName(names[i]);
                    }
                    generator.writeStartObject();
                    open[i] = true;
                }
            }
            generator.writeFieldName(parser.currentName());
            // token by token, exactly: copyCurrentStructure would turn 1.10 into 1.1 and 1e400
            // into Infinity
            JsonToken token = parser.currentToken();
            int nesting = 0;
            while (token != null) {
                generator.copyCurrentEventExact(parser);
                if (token.isStructStart()) {
                    nesting++;
                } else if (token.isStructEnd()) {
                    nesting--;
                }
                if (nesting == 0) {
                    return;
                }
                token = parser.nextToken();
            }
        }

        /** The record's unknown fields as one JSON object, or null if it had none. */
        String finish() throws IOException {
            if (generator == null) {
                return null;
            }
            generator.writeEndObject();
            generator.close();
            generator = null;
            return buffer.toString();
        }
    }

    private static ValueDecoder decoderFor(
            String path, LogicalType type, boolean rejectUnknown, UnknownCollector unknowns) {
        switch (type.getTypeRoot()) {
            case VARCHAR:
            case CHAR:
                return (parser, token) -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw typeError(path, "a string", token, parser);
                    }
                    return utf8(path, parser);
                };
            case INTEGER:
                return (parser, token) -> {
                    if (token != JsonToken.VALUE_NUMBER_INT
                            || parser.getNumberType() != JsonParser.NumberType.INT) {
                        throw typeError(path, "a whole number within int range", token, parser);
                    }
                    return parser.getIntValue();
                };
            case BIGINT:
                return (parser, token) -> {
                    if (token != JsonToken.VALUE_NUMBER_INT
                            || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw typeError(path, "a whole number within bigint range", token, parser);
                    }
                    return parser.getLongValue();
                };
            case DOUBLE:
                return (parser, token) -> {
                    if (token == JsonToken.VALUE_STRING) {
                        // JSON has no literal for these; JsonRowEncoder writes them as strings
                        switch (parser.getText()) {
                            case "NaN":
                                return Double.NaN;
                            case "Infinity":
                                return Double.POSITIVE_INFINITY;
                            case "-Infinity":
                                return Double.NEGATIVE_INFINITY;
                            default:
                                throw typeError(path, "a number", token, parser);
                        }
                    }
                    if (token != JsonToken.VALUE_NUMBER_FLOAT
                            && token != JsonToken.VALUE_NUMBER_INT) {
                        throw typeError(path, "a number", token, parser);
                    }
                    double value = parser.getDoubleValue();
                    if (Double.isInfinite(value)) {
                        // 1e400 would otherwise be read as Infinity, a value the producer never
                        // sent
                        throw new DecodeException(
                                new Violation(
                                        Violation.TYPE,
                                        path,
                                        path
                                                + ": "
                                                + Violation.quote(parser.getText())
                                                + " is out of range for a double (write \"Infinity\""
                                                + " if infinity is meant)"));
                    }
                    return value;
                };
            case BOOLEAN:
                return (parser, token) -> {
                    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                        throw typeError(path, "true or false", token, parser);
                    }
                    return token == JsonToken.VALUE_TRUE;
                };
            case DATE:
                return (parser, token) -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw typeError(path, "a date string (YYYY-MM-DD)", token, parser);
                    }
                    String text = parser.getText();
                    try {
                        // a year such as +999999999 parses, but its day count does not fit an int
                        return Math.toIntExact(LocalDate.parse(text).toEpochDay());
                    } catch (DateTimeParseException | ArithmeticException e) {
                        throw new DecodeException(
                                new Violation(
                                        Violation.TYPE,
                                        path,
                                        path
                                                + ": '"
                                                + Violation.quote(text)
                                                + "' is not a date (YYYY-MM-DD)"));
                    }
                };
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return (parser, token) -> {
                    if (token == JsonToken.VALUE_NUMBER_INT) {
                        // epoch milliseconds, as many producers write them
                        return Timestamps.fromMicros(epochMillisAsMicros(path, parser));
                    }
                    if (token != JsonToken.VALUE_STRING) {
                        throw typeError(path, "an ISO-8601 timestamp string", token, parser);
                    }
                    String text = parser.getText();
                    try {
                        return Timestamps.fromMicros(Timestamps.parseMicros(text));
                    } catch (java.time.DateTimeException e) {
                        throw new DecodeException(
                                new Violation(
                                        Violation.TYPE,
                                        path,
                                        path
                                                + ": '"
                                                + Violation.quote(text)
                                                + "' is not an ISO-8601 timestamp"
                                                + " (e.g. 2026-11-01T10:15:30Z)"));
                    }
                };
            case ROW:
                return new RowDecoder(
                        path,
                        (RowType) type,
                        rejectUnknown,
                        unknowns,
                        ((RowType) type).getFieldCount());
            default:
                throw new IllegalArgumentException(
                        "JSON decoding does not support " + type + " (column " + path + ")");
        }
    }

    /**
     * The current string value as UTF-8 {@code StringData}, straight from the parser's characters:
     * no {@code String} in between, and nothing to encode later when the row is fingerprinted or
     * serialized. ASCII, the usual case, is copied byte by byte; anything else goes through String.
     */
    private static StringData utf8(String path, JsonParser parser)
            throws IOException, DecodeException {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int length = parser.getTextLength();
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            char c = chars[offset + i];
            if (c >= 0x80) {
                rejectUnpairedSurrogate(path, chars, offset, offset + length);
                return StringData.fromString(new String(chars, offset, length));
            }
            bytes[i] = (byte) c;
        }
        return StringData.fromBytes(bytes);
    }

    /**
     * A {@code \\uD800} escape without its other half is no character: UTF-8 cannot hold it and the
     * string would be stored with a '?' in its place, a value the producer never sent.
     */
    private static void rejectUnpairedSurrogate(String path, char[] chars, int from, int to)
            throws DecodeException {
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if (Character.isHighSurrogate(c)
                    && i + 1 < to
                    && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new DecodeException(
                        new Violation(
                                Violation.TYPE,
                                path,
                                String.format(
                                        "%s: \\u%04X at character %d is half of a UTF-16 surrogate"
                                                + " pair, not a character; escape both halves or"
                                                + " write the character as UTF-8",
                                        path, (int) c, i - from + 1)));
            }
        }
    }

    /**
     * Rejects what does not fit epoch microseconds, typically an epoch in micro- or nanoseconds,
     * which would otherwise wrap around into a plausible-looking wrong time.
     */
    private static long epochMillisAsMicros(String path, JsonParser parser)
            throws IOException, DecodeException {
        if (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long millis = parser.getLongValue();
            if (millis >= Long.MIN_VALUE / 1000L && millis <= Long.MAX_VALUE / 1000L) {
                return millis * 1000L;
            }
        }
        throw new DecodeException(
                new Violation(
                        Violation.TYPE,
                        path,
                        path
                                + ": "
                                + parser.getText()
                                + " is out of range for epoch milliseconds (an epoch in micro-"
                                + " or nanoseconds?); write epoch milliseconds or an ISO-8601"
                                + " timestamp string"));
    }

    private static DecodeException typeError(
            String path, String expected, JsonToken token, JsonParser parser) throws IOException {
        return new DecodeException(
                new Violation(
                        Violation.TYPE,
                        path,
                        path + ": expected " + expected + ", got " + describe(token, parser)));
    }

    /**
     * The parser's buffers, kept by this decoder between records: a decoder belongs to one task
     * thread, so it needs neither Jackson's thread-local pool (a thread-local lookup per record,
     * ~3% of a source task) nor a concurrent one.
     */
    private static final class OwnRecycler implements RecyclerPool<BufferRecycler> {

        private static final long serialVersionUID = 1L;

        private transient BufferRecycler free;

        @Override
        public BufferRecycler acquirePooled() {
            BufferRecycler recycler = free;
            if (recycler == null) {
                return new BufferRecycler();
            }
            free = null;
            return recycler;
        }

        @Override
        public void releasePooled(BufferRecycler recycler) {
            free = recycler;
        }
    }
}
