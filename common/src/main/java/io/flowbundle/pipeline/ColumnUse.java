package io.flowbundle.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which input columns each output column of a transform reads, and how, derived from Flink's own
 * optimized plan (not written by hand): the SQL is compiled against a stand-in {@code events} table
 * of the pipeline's schema, and the JSON of the compiled plan is walked from the source scan to the
 * sink, following input references through projections, aggregates, windows and joins.
 *
 * <p>This is planning: {@link PipelineGraph} shuffles only the columns the SQL reads ({@link
 * #columnsRead}); lineage reports the same uses as OpenLineage column lineage. Use types follow
 * OpenLineage's names: DIRECT (IDENTITY, TRANSFORMATION, AGGREGATION) for columns whose values flow
 * into the output column, INDIRECT (FILTER, GROUP_BY, JOIN, WINDOW) for columns that decide which
 * rows are output. A plan node this class does not know makes {@link #derive} fail rather than
 * guess.
 *
 * @param fields per output column, in order, the uses of input columns behind its values
 * @param indirect the uses of input columns that decide which rows come out
 */
public record ColumnUse(Map<String, Set<ColumnUse.Use>> fields, Set<ColumnUse.Use> indirect) {

    /**
     * One use of an input column ({@code location.room} for a nested field) of the view {@code
     * view} (the input it belongs to).
     */
    public record Use(String column, String type, String subtype, String view) {

        /** A use of a column of the view {@code events}, the single-source form's. */
        public Use(String column, String type, String subtype) {
            this(column, type, subtype, PipelineGraph.EVENTS_VIEW);
        }

        public static Use direct(String column, String subtype) {
            return new Use(column, "DIRECT", subtype);
        }

        public static Use indirect(String column, String subtype) {
            return new Use(column, "INDIRECT", subtype);
        }

        /** This column of this view, used another way. */
        Use as(String newType, String newSubtype) {
            return new Use(column, newType, newSubtype, view);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ColumnUse.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    // a run asks twice (to prune the rows it shuffles, and for lineage); planning takes seconds
    private static final Map<String, ColumnUse> DERIVED = new ConcurrentHashMap<>();

    /**
     * @param eventsType the columns of the view {@code events}
     * @param eventTime the event-time column (declared as rowtime, as in streaming)
     * @throws IllegalArgumentException if the plan contains a node whose use of columns is not
     *     understood
     */
    public static ColumnUse derive(String sql, RowType eventsType, String eventTime) {
        return derive(sql, Map.of(PipelineGraph.EVENTS_VIEW, new View(eventsType, eventTime)));
    }

    /**
     * The columns and event time (null: none) of one view the SQL reads.
     *
     * @param eventTime declared as rowtime with a watermark, as in streaming; null for a dimension
     *     without one
     */
    public record View(RowType type, String eventTime) {}

    /** As {@link #derive(String, RowType, String)}, for a transform over several views. */
    public static ColumnUse derive(String sql, Map<String, View> views) {
        return DERIVED.computeIfAbsent(
                sql + "\u0000" + key(views), k -> compile(sql, new TreeMap<>(views)));
    }

    private static String key(Map<String, View> views) {
        StringBuilder key = new StringBuilder();
        new TreeMap<>(views)
                .forEach(
                        (name, view) ->
                                key.append(name)
                                        .append('\u0000')
                                        .append(view.type().asSerializableString())
                                        .append('\u0000')
                                        .append(view.eventTime())
                                        .append('\u0000'));
        return key.toString();
    }

    /**
     * The views among {@code views} the SQL scans (read from its plan, so a name in a comment or a
     * string does not count).
     */
    public static Set<String> viewsRead(String sql, Map<String, View> views) {
        String plan = stage(new TreeMap<>(views)).explainSql(sql);
        Set<String> read = new LinkedHashSet<>();
        for (String view : views.keySet()) {
            // a scan is table=[[default_catalog, default_database, VIEW]] or, with what the
            // planner pushed into it, table=[[..., VIEW, watermark=[...]]]
            if (java.util.regex.Pattern.compile(
                            "default_database, " + java.util.regex.Pattern.quote(view) + "[],]")
                    .matcher(plan)
                    .find()) {
                read.add(view);
            }
        }
        return read;
    }

    /**
     * The top-level input columns the SQL reads, directly or to decide which rows to keep, or
     * empty, with one warning saying why, if they cannot be derived: the caller then keeps every
     * column, which costs shuffle volume but never a result.
     */
    public static Optional<Set<String>> columnsRead(
            String sql, RowType eventsType, String eventTime) {
        return columnsRead(
                sql,
                Map.of(PipelineGraph.EVENTS_VIEW, new View(eventsType, eventTime)),
                PipelineGraph.EVENTS_VIEW);
    }

    /** As {@link #columnsRead(String, RowType, String)}: the columns of {@code view} it reads. */
    public static Optional<Set<String>> columnsRead(
            String sql, Map<String, View> views, String view) {
        ColumnUse uses;
        try {
            uses = derive(sql, views);
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot tell which columns the transform reads ({}): every column of the view `{}` is shuffled",
                    firstLine(e),
                    view);
            return Optional.empty();
        }
        return Optional.of(uses.columnsRead(view));
    }

    /** The top-level input columns behind any use, in order of first use. */
    public Set<String> columnsRead() {
        return columnsRead(PipelineGraph.EVENTS_VIEW);
    }

    /** The top-level columns of {@code view} behind any use, in order of first use. */
    public Set<String> columnsRead(String view) {
        Set<String> columns = new LinkedHashSet<>();
        fields.values()
                .forEach(
                        uses ->
                                uses.forEach(
                                        use -> {
                                            if (use.view().equals(view)) {
                                                columns.add(topLevel(use.column()));
                                            }
                                        }));
        indirect.forEach(
                use -> {
                    if (use.view().equals(view)) {
                        columns.add(topLevel(use.column()));
                    }
                });
        return columns;
    }

    private static String topLevel(String column) {
        int dot = column.indexOf('.');
        return dot < 0 ? column : column.substring(0, dot);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Whether the SQL parses and validates against {@code eventsType} as the view {@code events}:
     * every column it names exists, with a type its expressions accept. Not planned, so much
     * cheaper than {@link #derive}.
     */
    public static boolean validates(String sql, RowType eventsType, String eventTime) {
        return validates(sql, Map.of(PipelineGraph.EVENTS_VIEW, new View(eventsType, eventTime)));
    }

    /** As {@link #validates(String, RowType, String)}, for a transform over several views. */
    public static boolean validates(String sql, Map<String, View> views) {
        try {
            stage(new TreeMap<>(views)).sqlQuery(sql).getResolvedSchema();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A table environment with a stand-in table per view. */
    private static TableEnvironment stage(Map<String, View> views) {
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        // one aggregate node per aggregation, instead of local/global pairs with intermediate
        // fields
        tables.getConfig().set("table.optimizer.agg-phase-strategy", "ONE_PHASE");
        views.forEach(
                (name, view) ->
                        tables.executeSql(
                                "CREATE TEMPORARY TABLE `"
                                        + name
                                        + "` ("
                                        + columns(view.type())
                                        + (view.eventTime() == null
                                                ? ""
                                                : ", WATERMARK FOR `"
                                                        + view.eventTime()
                                                        + "` AS `"
                                                        + view.eventTime()
                                                        + "`")
                                        + ")"
                                        + " WITH ('connector' = 'datagen')"));
        return tables;
    }

    private static ColumnUse compile(String sql, Map<String, View> views) {
        TableEnvironment tables = stage(views);
        ResolvedSchema result = tables.sqlQuery(sql).getResolvedSchema();
        List<String> outputNames = new ArrayList<>();
        StringBuilder sinkColumns = new StringBuilder();
        for (Column column : result.getColumns()) {
            LogicalType type =
                    LogicalTypeUtils.removeTimeAttributes(column.getDataType().getLogicalType());
            sinkColumns
                    .append(sinkColumns.length() == 0 ? "" : ", ")
                    .append('`')
                    .append(column.getName())
                    .append("` ")
                    .append(type.asSerializableString());
            outputNames.add(column.getName());
        }
        tables.executeSql(
                "CREATE TEMPORARY TABLE `flowbundle_lineage_sink` ("
                        + sinkColumns
                        + ") WITH ('connector' = 'blackhole')");
        String plan =
                tables.compilePlanSql("INSERT INTO `flowbundle_lineage_sink` " + sql)
                        .asJsonString();
        try {
            return fromPlan(JSON.readTree(plan), outputNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String columns(RowType type) {
        StringBuilder out = new StringBuilder();
        for (RowType.RowField field : type.getFields()) {
            out.append(out.length() == 0 ? "" : ", ")
                    .append('`')
                    .append(field.getName())
                    .append("` ")
                    .append(field.getType().asSerializableString());
        }
        return out.toString();
    }

    /** Walks a compiled plan; package-private for tests with hand-made plans. */
    static ColumnUse fromPlan(JsonNode plan, List<String> outputNames) {
        Map<Integer, JsonNode> nodes = new LinkedHashMap<>();
        for (JsonNode node : plan.get("nodes")) {
            nodes.put(node.get("id").asInt(), node);
        }
        Map<Integer, List<Integer>> inputs = new HashMap<>();
        for (JsonNode edge : plan.get("edges")) {
            inputs.computeIfAbsent(edge.get("target").asInt(), k -> new ArrayList<>())
                    .add(edge.get("source").asInt());
        }
        Walker walker = new Walker(nodes, inputs);
        JsonNode sink = null;
        for (JsonNode node : nodes.values()) {
            if (node.get("type").asText().contains("-sink")) {
                sink = node;
            }
        }
        if (sink == null) {
            throw new IllegalArgumentException("the compiled plan has no sink node");
        }
        List<Set<Use>> lineage = walker.fields(sink.get("id").asInt());
        Map<String, Set<Use>> fields = new LinkedHashMap<>();
        for (int i = 0; i < outputNames.size(); i++) {
            fields.put(outputNames.get(i), lineage.get(i));
        }
        return new ColumnUse(fields, walker.indirect);
    }

    /** Computes, per node, the uses of input columns behind each of its output fields. */
    private static final class Walker {
        private final Map<Integer, JsonNode> nodes;
        private final Map<Integer, List<Integer>> inputs;
        private final Map<Integer, List<Set<Use>>> memo = new HashMap<>();
        final Set<Use> indirect = new LinkedHashSet<>();

        Walker(Map<Integer, JsonNode> nodes, Map<Integer, List<Integer>> inputs) {
            this.nodes = nodes;
            this.inputs = inputs;
        }

        List<Set<Use>> fields(int id) {
            List<Set<Use>> known = memo.get(id);
            if (known == null) {
                known = compute(nodes.get(id), inputs.getOrDefault(id, List.of()));
                memo.put(id, known);
            }
            return known;
        }

        private List<Set<Use>> compute(JsonNode node, List<Integer> in) {
            String type =
                    node.get("type")
                            .asText()
                            .replaceAll("^(stream|batch)-exec-", "")
                            .replaceAll("_\\d+$", "");
            switch (type) {
                case "table-source-scan":
                    return scan(node);
                case "calc":
                    return calc(node, fields(in.get(0)));
                case "group-aggregate":
                case "window-aggregate":
                case "group-window-aggregate":
                    return aggregate(node, fields(in.get(0)));
                case "window-table-function":
                    return windowFunction(node, fields(in.get(0)));
                case "join":
                case "interval-join":
                case "temporal-join":
                case "window-join":
                    return join(node, fields(in.get(0)), fields(in.get(1)));
                case "union":
                    return union(in);
                case "watermark-assigner":
                case "exchange":
                case "sink":
                case "changelog-normalize":
                case "mini-batch-assigner":
                case "drop-update-before":
                case "limit":
                case "sort-limit":
                case "sort":
                case "window-deduplicate":
                case "deduplicate":
                    return fields(in.get(0));
                case "rank":
                case "window-rank":
                    return rank(node, fields(in.get(0)));
                default:
                    throw new IllegalArgumentException(
                            "column lineage does not understand plan node "
                                    + node.get("type").asText()
                                    + " ("
                                    + node.path("description").asText()
                                    + ")");
            }
        }

        private List<Set<Use>> scan(JsonNode node) {
            JsonNode outputType = node.get("outputType");
            List<String> names = new ArrayList<>();
            if (outputType.isTextual()) {
                RowType parsed =
                        (RowType)
                                org.apache.flink.table.types.logical.utils.LogicalTypeParser.parse(
                                        outputType.asText(), ColumnUse.class.getClassLoader());
                names.addAll(parsed.getFieldNames());
            } else {
                for (JsonNode field : outputType.get("fields")) {
                    names.add(field.get("name").asText());
                }
            }
            String view = viewOf(node);
            List<Set<Use>> out = new ArrayList<>();
            for (String name : names) {
                out.add(Set.of(new Use(name, "DIRECT", "IDENTITY", view)));
            }
            return out;
        }

        /**
         * The table a scan reads ({@code `default_catalog`.`default_database`.`devices`}), or
         * {@code events} when the plan does not say (hand-made plans in tests).
         */
        private static String viewOf(JsonNode scan) {
            String identifier =
                    scan.path("scanTableSource").path("table").path("identifier").asText("");
            int dot = identifier.lastIndexOf('.');
            if (identifier.isEmpty() || dot < 0) {
                return PipelineGraph.EVENTS_VIEW;
            }
            return identifier.substring(dot + 1).replace("`", "");
        }

        private List<Set<Use>> calc(JsonNode node, List<Set<Use>> input) {
            List<Set<Use>> out = new ArrayList<>();
            for (JsonNode expression : node.get("projection")) {
                Set<Use> copied = field(expression, input);
                if (copied != null) {
                    out.add(copied);
                } else {
                    Set<Use> uses = new LinkedHashSet<>();
                    for (Use use : references(expression, input)) {
                        uses.add(
                                use.type().equals("DIRECT")
                                        ? use.as("DIRECT", "TRANSFORMATION")
                                        : use);
                    }
                    out.add(uses);
                }
            }
            JsonNode condition = node.get("condition");
            if (condition != null && !condition.isNull()) {
                for (Use use : references(condition, input)) {
                    indirect.add(use.as("INDIRECT", "FILTER"));
                }
            }
            return out;
        }

        /**
         * The uses behind an expression that only reads a field, {@code device_id} or a nested
         * {@code location.room}: its value is the input's, so its uses (and their subtypes, such as
         * IDENTITY) carry over, with the nested path in the column name. Null for anything that
         * computes a new value.
         */
        private Set<Use> field(JsonNode expression, List<Set<Use>> input) {
            String kind = expression.path("kind").asText();
            if (kind.equals("INPUT_REF")) {
                return input.get(expression.get("inputIndex").asInt());
            }
            if (kind.equals("FIELD_ACCESS")) {
                Set<Use> base = field(expression.get("expr"), input);
                if (base == null) {
                    return null;
                }
                Set<Use> out = new LinkedHashSet<>();
                String name = expression.get("name").asText();
                base.forEach(
                        use ->
                                out.add(
                                        new Use(
                                                use.column() + "." + name,
                                                use.type(),
                                                use.subtype(),
                                                use.view())));
                return out;
            }
            return null;
        }

        /** The uses behind every input field an expression reads (nested field access kept). */
        private Set<Use> references(JsonNode expression, List<Set<Use>> input) {
            Set<Use> out = new LinkedHashSet<>();
            Set<Use> copied = field(expression, input);
            if (copied != null) {
                out.addAll(copied);
            } else {
                for (JsonNode child : expression) {
                    if (child.isContainerNode()) {
                        out.addAll(references(child, input));
                    }
                }
            }
            return out;
        }

        private List<Set<Use>> aggregate(JsonNode node, List<Set<Use>> input) {
            List<Set<Use>> out = new ArrayList<>();
            for (JsonNode index : node.path("grouping")) {
                Set<Use> key = input.get(index.asInt());
                out.add(key);
                key.forEach(use -> indirect.add(use.as("INDIRECT", "GROUP_BY")));
            }
            for (JsonNode call : node.path("aggCalls")) {
                Set<Use> uses = new LinkedHashSet<>();
                for (JsonNode arg : call.path("argList")) {
                    input.get(arg.asInt())
                            .forEach(use -> uses.add(use.as("DIRECT", "AGGREGATION")));
                }
                out.add(uses);
            }
            JsonNode windowing = node.get("windowing");
            if (windowing != null) {
                Set<Use> time = input.get(windowing.get("timeAttributeIndex").asInt());
                time.forEach(use -> indirect.add(use.as("INDIRECT", "WINDOW")));
                for (int i = 0; i < node.path("namedWindowProperties").size(); i++) {
                    Set<Use> uses = new LinkedHashSet<>();
                    time.forEach(use -> uses.add(use.as("DIRECT", "TRANSFORMATION")));
                    out.add(uses);
                }
            }
            return out;
        }

        private List<Set<Use>> windowFunction(JsonNode node, List<Set<Use>> input) {
            List<Set<Use>> out = new ArrayList<>(input);
            Set<Use> time = input.get(node.path("windowing").path("timeAttributeIndex").asInt());
            Set<Use> derived = new LinkedHashSet<>();
            time.forEach(use -> derived.add(use.as("DIRECT", "TRANSFORMATION")));
            // window_start, window_end, window_time
            out.add(derived);
            out.add(derived);
            out.add(derived);
            return out;
        }

        private List<Set<Use>> join(JsonNode node, List<Set<Use>> left, List<Set<Use>> right) {
            JsonNode spec = node.path("joinSpec");
            for (JsonNode key : spec.path("leftKeys")) {
                left.get(key.asInt()).forEach(use -> indirect.add(use.as("INDIRECT", "JOIN")));
            }
            for (JsonNode key : spec.path("rightKeys")) {
                right.get(key.asInt()).forEach(use -> indirect.add(use.as("INDIRECT", "JOIN")));
            }
            List<Set<Use>> both = new ArrayList<>(left);
            both.addAll(right);
            JsonNode condition = spec.get("nonEquiCondition");
            if (condition != null && !condition.isNull()) {
                references(condition, both)
                        .forEach(use -> indirect.add(use.as("INDIRECT", "JOIN")));
            }
            String joinType = spec.path("joinType").asText("INNER");
            return joinType.equals("SEMI") || joinType.equals("ANTI") ? left : both;
        }

        private List<Set<Use>> union(List<Integer> in) {
            List<Set<Use>> out = new ArrayList<>();
            for (int input : in) {
                List<Set<Use>> fields = fields(input);
                for (int i = 0; i < fields.size(); i++) {
                    if (out.size() <= i) {
                        out.add(new LinkedHashSet<>());
                    }
                    out.get(i).addAll(fields.get(i));
                }
            }
            return out;
        }

        private List<Set<Use>> rank(JsonNode node, List<Set<Use>> input) {
            List<Set<Use>> out = new ArrayList<>(input);
            if (node.path("outputRowNumber").asBoolean(false)) {
                out.add(Set.of());
            }
            return out;
        }
    }
}
