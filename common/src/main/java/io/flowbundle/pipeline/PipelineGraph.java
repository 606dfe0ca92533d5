package io.flowbundle.pipeline;

import io.flowbundle.config.ConfigException;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.operators.BatchDedupeOperator;
import io.flowbundle.operators.ContractGate;
import io.flowbundle.operators.DedupeKey;
import io.flowbundle.operators.DedupeOperator;
import io.flowbundle.operators.Envelope;
import io.flowbundle.operators.EventTime;
import io.flowbundle.operators.Fingerprinted;
import io.flowbundle.operators.LateEventFilter;
import io.flowbundle.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableException;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;
import org.apache.flink.table.types.utils.DataTypeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Flink graph of a pipeline, the same for both modes: the caller plugs in a stream of
 * {@link Envelope}s (Parquet rows or decoded Kafka records) and attaches sinks to what comes out.
 *
 * <pre>
 * envelopes -> validate (input contract; late events out) -> columns read [+ key fingerprint -> dedupe] -> view `events`
 *           -> the spec's SQL -> validate (output contract) -> results
 *   rejected: decode failures, contract violations, late events, output violations
 *   valid:    rows that kept the input contract, late ones included (the staging layer)
 * </pre>
 *
 * Batch and streaming differ only in {@link RunInfo.Mode}: streaming declares the event-time column
 * as the rowtime attribute with the source's watermarks. (Late events exist only in streaming; the
 * Kafka source marks them, see {@link io.flowbundle.kafka.EnvelopeDeserializer}.)
 */
public final class PipelineGraph {

    public static final String EVENTS_VIEW = PipelineSpec.EVENTS_VIEW;

    private static final Logger LOG = LoggerFactory.getLogger(PipelineGraph.class);

    private PipelineGraph() {}

    /** The streams a pipeline produces; sinks are attached by the job. */
    /**
     * @param rejected every rejected record but those of inputs with a quarantine of their own
     * @param valid the main input's staging rows
     * @param inputRejected by view, the rejected records of inputs with their own quarantine
     * @param inputValid by view, the staging rows of inputs with their own staging layer
     * @param inputTypes by view, the row types of the inputs besides the main one
     */
    public record Result(
            DataStream<RowData> results,
            RowType resultType,
            DataStream<RowData> rejected,
            DataStream<RowData> valid,
            RowType payloadType,
            Map<String, DataStream<RowData>> inputRejected,
            Map<String, DataStream<RowData>> inputValid,
            Map<String, RowType> inputTypes) {}

    /**
     * The row type the pipeline decodes its input into (event time at millisecond precision): the
     * contract's columns, then {@code _unknown} under {@code unknown_fields: keep}. It is what the
     * staging layer holds.
     */
    public static RowType payloadType(PipelineSpec spec) {
        return spec.contract().decodedType(spec.eventTime());
    }

    /**
     * The columns the view {@code events} can offer the SQL: the contract's, never {@code
     * _unknown}, so {@code SELECT *} and the output contract see the same columns whatever the
     * input sent, and batch and streaming views stay alike.
     */
    public static RowType viewType(PipelineSpec spec) {
        return spec.contract().rowType(spec.eventTime());
    }

    /**
     * The event time of the spec's main input; null for a dimension's {@link
     * PipelineSpec#forInput}.
     */
    public static EventTime eventTime(PipelineSpec spec) {
        return new EventTime(spec.contract().indexOf(spec.eventTime()), 3);
    }

    public static Result build(
            StreamTableEnvironment tableEnv,
            PipelineSpec spec,
            RunInfo run,
            DataStream<RowData> envelopes) {
        return build(tableEnv, spec, run, envelopes, Map.of());
    }

    /**
     * As {@link #build(StreamTableEnvironment, PipelineSpec, RunInfo, DataStream)}, for a pipeline
     * with several inputs: each is governed on its own (its contract, its quarantine reasons and
     * counts, its dedupe) and registered as the view of its name.
     *
     * @param otherEnvelopes the envelopes of each input besides the main one, by view
     */
    public static Result build(
            StreamTableEnvironment tableEnv,
            PipelineSpec spec,
            RunInfo run,
            DataStream<RowData> envelopes,
            Map<String, DataStream<RowData>> otherEnvelopes) {
        Map<String, ColumnUse.View> views = views(spec);
        if (spec.joins()) {
            checkViewsRead(spec, views);
        }
        Governed main = govern(tableEnv, spec, spec.mainInput(), null, run, envelopes, views);
        DataStream<RowData> rejected = main.rejected();
        DataStream<RowData> staging = main.staging();
        RowType payloadType = main.payloadType();
        Map<String, DataStream<RowData>> inputRejected = new LinkedHashMap<>();
        Map<String, DataStream<RowData>> inputStaging = new LinkedHashMap<>();
        Map<String, RowType> inputTypes = new LinkedHashMap<>();
        for (PipelineSpec.Input input : spec.otherInputs()) {
            DataStream<RowData> theirs = otherEnvelopes.get(input.view());
            if (theirs == null) {
                throw new IllegalArgumentException("no envelopes for input " + input.view());
            }
            Governed governed =
                    govern(
                            tableEnv,
                            spec,
                            input,
                            input.view(),
                            run,
                            scopeUids(theirs, input.view()),
                            views);
            if (input.quarantine() == null) {
                rejected = rejected.union(governed.rejected());
            } else {
                inputRejected.put(input.view(), governed.rejected());
            }
            if (input.staging() != null) {
                inputStaging.put(input.view(), governed.staging());
            }
            inputTypes.put(input.view(), governed.payloadType());
        }

        Table transformed = transform(tableEnv, spec);
        RowType resultType = plainRowType(transformed);
        DataStream<RowData> results;
        try {
            results =
                    tableEnv.toDataStream(
                            transformed, DataTypeUtils.toInternalDataType(resultType));
        } catch (TableException e) {
            throw new ConfigException(
                    spec.file()
                            + ": transform: in streaming mode the query must produce append-only"
                            + " results, such as window aggregations (TUMBLE, HOP, CUMULATE over"
                            + " `"
                            + spec.eventTime()
                            + "`); it produces updates instead ("
                            + firstLine(e.getMessage())
                            + ")",
                    e);
        }

        Contract outputContract = spec.outputContract();
        if (outputContract != null) {
            checkOutputColumns(spec, outputContract, resultType);
        }
        SingleOutputStreamOperator<RowData> checked =
                results.map(new Wrap())
                        .returns(Envelope.typeInfo(resultType))
                        .name("results")
                        .process(
                                new ContractGate(
                                        "output",
                                        outputContract == null
                                                ? null
                                                : new RowValidator(
                                                        outputContractInResultOrder(
                                                                outputContract, resultType)),
                                        resultType,
                                        run.runId(),
                                        spec.name(),
                                        "transform"))
                        .returns(InternalTypeInfo.of(resultType))
                        .name(
                                outputContract == null
                                        ? "count results"
                                        : "validate: " + outputContract.name())
                        .uid("validate-output");
        rejected = rejected.union(checked.getSideOutput(ContractGate.REJECTED));
        return new Result(
                checked,
                resultType,
                rejected,
                staging,
                payloadType,
                inputRejected,
                inputStaging,
                inputTypes);
    }

    /** One input after its gate: what it rejected, its staging rows, its row type. */
    private record Governed(
            DataStream<RowData> rejected, DataStream<RowData> staging, RowType payloadType) {}

    /**
     * Validates one input against its contract, dedupes it, and registers it as its view.
     *
     * @param scope null for the main input (its operators keep the uids and counter names of the
     *     single-source form), else the input's view, which names its uids and counters
     */
    private static Governed govern(
            StreamTableEnvironment tableEnv,
            PipelineSpec pipeline,
            PipelineSpec.Input input,
            String scope,
            RunInfo run,
            DataStream<RowData> envelopes,
            Map<String, ColumnUse.View> views) {
        PipelineSpec spec = scope == null ? pipeline : pipeline.forInput(input);
        String suffix = scope == null ? "" : "-" + scope;
        Contract contract = spec.contract();
        RowType payloadType = payloadType(spec);
        InternalTypeInfo<RowData> payloadInfo = InternalTypeInfo.of(payloadType);
        String source = spec.source().describe();

        SingleOutputStreamOperator<RowData> valid =
                envelopes
                        .process(
                                new ContractGate(
                                                "input",
                                                new RowValidator(contract),
                                                payloadType,
                                                run.runId(),
                                                spec.name(),
                                                source)
                                        .countedAs(scope))
                        .returns(payloadInfo)
                        .name(
                                "validate: "
                                        + contract.name()
                                        + " v"
                                        + contract.schemaVersion()
                                        + (scope == null ? "" : " (" + scope + ")"))
                        .uid("validate-input" + suffix);
        DataStream<RowData> rejected =
                valid.getSideOutput(ContractGate.REJECTED)
                        .union(valid.getSideOutput(ContractGate.LATE));
        DataStream<RowData> staging =
                valid.union(valid.getSideOutput(ContractGate.lateRows(payloadType)));

        // from here on only the columns the SQL reads travel on: rows are shuffled. Dedupe ships
        // its key as a fingerprint in front of them, not as text.
        RowType eventsType =
                eventsType(pipeline, spec.view(), viewType(spec), spec.eventTime(), views);
        InternalTypeInfo<RowData> eventsInfo = InternalTypeInfo.of(eventsType);
        int[] kept =
                eventsType.getFieldNames().stream().mapToInt(payloadType::getFieldIndex).toArray();
        DataStream<RowData> events = valid;
        if (spec.dedupe() != null) {
            String keys = String.join(", ", spec.dedupe().key());
            DataStream<RowData> fingerprinted =
                    valid.map(
                                    new Fingerprinted.Fingerprint(
                                            new DedupeKey(payloadType, spec.dedupe().key()), kept))
                            .returns(InternalTypeInfo.of(Fingerprinted.type(eventsType)))
                            .name("fingerprint: " + keys)
                            .uid("fingerprint" + suffix);
            if (run.isBatch() || spec.eventTime() == null) {
                events =
                        fingerprinted
                                .partitionCustom(new ByKeyHash(), new Fingerprinted.ByHigh())
                                .transform(
                                        "dedupe: " + keys,
                                        eventsInfo,
                                        new BatchDedupeOperator(Fingerprinted.type(eventsType))
                                                .countedAs(scope))
                                .uid("dedupe" + suffix);
            } else {
                EventTime time = new EventTime(eventsType.getFieldIndex(spec.eventTime()), 3);
                events =
                        fingerprinted
                                .keyBy(DedupeOperator.buckets(), Types.INT)
                                .transform(
                                        "dedupe: " + keys,
                                        eventsInfo,
                                        new DedupeOperator(
                                                        eventsType.getFieldCount(),
                                                        time,
                                                        spec.dedupe().retention().toMillis())
                                                .countedAs(scope))
                                // kept across layout versions, which the state names carry
                                // (DedupeLayout): the operator refuses an older one in one line
                                .uid("dedupe-slots" + suffix);
            }
        } else if (eventsType.getFieldCount() < payloadType.getFieldCount()) {
            events =
                    valid.map(new Project(kept))
                            .returns(eventsInfo)
                            .name("columns read")
                            .uid("project" + suffix);
        }
        boolean rowtime = !run.isBatch() && spec.eventTime() != null;
        if (rowtime) {
            SingleOutputStreamOperator<RowData> onTime =
                    events.process(
                                    new LateEventFilter(
                                                    new EventTime(
                                                            eventsType.getFieldIndex(
                                                                    spec.eventTime()),
                                                            3),
                                                    eventsType,
                                                    run.runId(),
                                                    spec.name(),
                                                    source)
                                            .countedAs(scope))
                            .returns(eventsInfo)
                            .name("late events")
                            .uid("late-filter" + suffix);
            rejected = rejected.union(onTime.getSideOutput(ContractGate.LATE));
            events = onTime;
        }
        Schema.Builder schema =
                Schema.newBuilder().fromRowDataType(DataTypeUtils.toInternalDataType(eventsType));
        if (rowtime) {
            schema.watermark(spec.eventTime(), "SOURCE_WATERMARK()");
        }
        Table eventsTable = tableEnv.fromDataStream(events, schema.build());
        tableEnv.createTemporaryView(spec.view(), eventsTable);
        return new Governed(rejected, staging, payloadType);
    }

    /** Every view the SQL may read, with all of its input's columns. */
    public static Map<String, ColumnUse.View> views(PipelineSpec spec) {
        Map<String, ColumnUse.View> views = new LinkedHashMap<>();
        for (PipelineSpec.Input input : spec.inputs()) {
            views.put(
                    input.view(),
                    new ColumnUse.View(
                            input.contract().rowType(input.eventTime()), input.eventTime()));
        }
        return views;
    }

    /** An input the SQL never reads is a mistake in the spec (a typo in the view or the SQL). */
    private static void checkViewsRead(PipelineSpec spec, Map<String, ColumnUse.View> views) {
        Set<String> read;
        try {
            read = ColumnUse.viewsRead(spec.transform(), views);
        } catch (RuntimeException e) {
            // the SQL does not plan: transform() below says why
            return;
        }
        for (PipelineSpec.Input input : spec.inputs()) {
            if (!read.contains(input.view())) {
                throw new ConfigException(
                        spec.file()
                                + ": "
                                + input.key()
                                + ": the transform does not read the view `"
                                + input.view()
                                + "`; read it in the SQL or remove the input (views read: "
                                + (read.isEmpty() ? "none" : String.join(", ", read))
                                + ")");
            }
        }
    }

    /**
     * Gives the operators a connector built for {@code view} uids of their own ({@code
     * source/devices}), as a connector names its operators as if it were the only source.
     */
    private static DataStream<RowData> scopeUids(DataStream<RowData> stream, String view) {
        for (Transformation<?> transformation :
                stream.getTransformation().getTransitivePredecessors()) {
            String uid = transformation.getUid();
            if (uid != null && !uid.endsWith("/" + view)) {
                transformation.setUid(uid + "/" + view);
            }
        }
        return stream;
    }

    /**
     * The columns of the view {@code events}: those the SQL reads ({@link ColumnUse}) and the event
     * time, in contract order; all columns, with a warning, when that cannot be derived. Unread
     * columns (the dedupe key too, unless the SQL reads it) are validated, staged and quarantined
     * like the others, but never shuffled.
     */
    static RowType eventsType(PipelineSpec spec, RowType payloadType) {
        return eventsType(spec, spec.view(), payloadType, spec.eventTime(), views(spec));
    }

    private static RowType eventsType(
            PipelineSpec spec,
            String view,
            RowType payloadType,
            String eventTime,
            Map<String, ColumnUse.View> views) {
        Optional<Set<String>> read = ColumnUse.columnsRead(spec.transform(), views, view);
        if (read.isEmpty()) {
            return payloadType;
        }
        Set<String> needed = new HashSet<>(read.get());
        if (eventTime != null) {
            needed.add(eventTime);
        }
        List<RowType.RowField> fields = new ArrayList<>();
        for (RowType.RowField field : payloadType.getFields()) {
            if (needed.contains(field.getName())) {
                fields.add(field);
            }
        }
        RowType projected = new RowType(true, fields);
        // the SQL must validate against the narrower view too; if the analysis missed a column,
        // keep all
        Map<String, ColumnUse.View> narrower = new LinkedHashMap<>(views);
        narrower.put(view, new ColumnUse.View(projected, eventTime));
        if (fields.size() < payloadType.getFieldCount()
                && !ColumnUse.validates(spec.transform(), narrower)) {
            LOG.warn(
                    "the transform does not validate against only the columns it was found to read ({}):"
                            + " every column of the view `{}` is shuffled",
                    projected.getFieldNames(),
                    view);
            return payloadType;
        }
        return projected;
    }

    private static Table transform(StreamTableEnvironment tableEnv, PipelineSpec spec) {
        try {
            return tableEnv.sqlQuery(spec.transform());
        } catch (ValidationException | org.apache.flink.table.api.SqlParserException e) {
            List<String> views = new ArrayList<>();
            for (PipelineSpec.Input input : spec.inputs()) {
                views.add(
                        "the view `"
                                + input.view()
                                + "` with the columns of contract "
                                + input.contract().name()
                                + ": "
                                + String.join(", ", input.contract().columnNames()));
            }
            throw new ConfigException(
                    spec.file()
                            + ": transform: "
                            + firstLine(rootMessage(e))
                            + " (the SQL reads "
                            + String.join("; ", views)
                            + ")",
                    e);
        }
    }

    /** The result's row type without time attributes (a rowtime column is a plain timestamp). */
    private static RowType plainRowType(Table table) {
        DataType dataType = table.getResolvedSchema().toPhysicalRowDataType();
        return (RowType) LogicalTypeUtils.removeTimeAttributes(dataType.getLogicalType());
    }

    /**
     * The output contract must name the result's columns with compatible types; this is checked
     * when the job is built, so a mismatch is a clear error before any data moves.
     */
    private static void checkOutputColumns(
            PipelineSpec spec, Contract outputContract, RowType resultType) {
        List<String> problems = new ArrayList<>();
        for (var column : outputContract.columns()) {
            int index = resultType.getFieldNames().indexOf(column.name());
            if (index < 0) {
                if (column.required()) {
                    problems.add("'" + column.name() + "' is missing from the SELECT");
                }
                continue;
            }
            LogicalType actual = resultType.getTypeAt(index);
            LogicalType expected = column.type().toLogicalType(6);
            if (!sameFamily(actual, expected)) {
                problems.add(
                        "'"
                                + column.name()
                                + "' is "
                                + actual.asSummaryString()
                                + ", the contract says "
                                + column.type());
            }
        }
        for (String name : resultType.getFieldNames()) {
            if (outputContract.column(name).isEmpty()) {
                problems.add("'" + name + "' is not in the contract");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(
                    spec.file()
                            + ": output_contract "
                            + outputContract.name()
                            + " does not match the transform's result: "
                            + String.join("; ", problems));
        }
    }

    private static boolean sameFamily(LogicalType actual, LogicalType expected) {
        LogicalTypeRoot a = actual.getTypeRoot();
        LogicalTypeRoot e = expected.getTypeRoot();
        if (e == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
            return a == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                    || a == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
        }
        if (e == LogicalTypeRoot.VARCHAR) {
            return a == LogicalTypeRoot.VARCHAR || a == LogicalTypeRoot.CHAR;
        }
        return a == e;
    }

    /**
     * The output contract with its columns in the result's order (the validator reads rows by
     * position); columns the result lacks were rejected above unless optional, and are dropped.
     */
    private static Contract outputContractInResultOrder(Contract contract, RowType resultType) {
        List<io.flowbundle.contract.Column> ordered = new ArrayList<>();
        for (String name : resultType.getFieldNames()) {
            contract.column(name).ifPresent(ordered::add);
        }
        return new Contract(
                contract.name(),
                contract.schemaVersion(),
                contract.owner(),
                contract.source(),
                contract.description(),
                contract.retentionDays(),
                contract.primaryKey(),
                ordered,
                contract.location(),
                contract.unknownFields());
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? e.getMessage() : root.getMessage();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Sends all copies of a key to one subtask (the bounded dedupe's partitioning, by fingerprint).
     */
    private static final class ByKeyHash implements Partitioner<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(Long keyHash, int partitions) {
            return (int) Math.floorMod(keyHash, (long) partitions);
        }
    }

    /** A view of a row with only some of its columns (no copy: the view is reused). */
    private static final class Project extends RichMapFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        private final int[] kept;
        private transient ProjectedRowData view;

        Project(int[] kept) {
            this.kept = kept;
        }

        @Override
        public void open(OpenContext openContext) {
            view = ProjectedRowData.from(kept);
        }

        @Override
        public RowData map(RowData row) {
            return view.replaceRow(row);
        }
    }

    /** Puts a result row into an envelope for the output gate. */
    private static final class Wrap implements MapFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(RowData row) {
            return Envelope.ofRow(row);
        }
    }
}
