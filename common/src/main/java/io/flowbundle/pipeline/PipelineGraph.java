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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
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

    public static final String EVENTS_VIEW = "events";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineGraph.class);

    private PipelineGraph() {}

    /** The streams a pipeline produces; sinks are attached by the job. */
    public record Result(
            DataStream<RowData> results,
            RowType resultType,
            DataStream<RowData> rejected,
            DataStream<RowData> valid,
            RowType payloadType) {}

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

    public static EventTime eventTime(PipelineSpec spec) {
        return new EventTime(spec.contract().indexOf(spec.eventTime()), 3);
    }

    public static Result build(
            StreamTableEnvironment tableEnv,
            PipelineSpec spec,
            RunInfo run,
            DataStream<RowData> envelopes) {
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
                                        source))
                        .returns(payloadInfo)
                        .name("validate: " + contract.name() + " v" + contract.schemaVersion())
                        .uid("validate-input");
        DataStream<RowData> rejected =
                valid.getSideOutput(ContractGate.REJECTED)
                        .union(valid.getSideOutput(ContractGate.LATE));
        DataStream<RowData> staging =
                valid.union(valid.getSideOutput(ContractGate.lateRows(payloadType)));

        // from here on only the columns the SQL reads travel on: rows are shuffled. Dedupe ships
        // its key as a fingerprint in front of them, not as text.
        RowType eventsType = eventsType(spec, viewType(spec));
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
                            .uid("fingerprint");
            if (run.isBatch()) {
                events =
                        fingerprinted
                                .partitionCustom(new ByKeyHash(), new Fingerprinted.ByHigh())
                                .transform(
                                        "dedupe: " + keys,
                                        eventsInfo,
                                        new BatchDedupeOperator(Fingerprinted.type(eventsType)))
                                .uid("dedupe");
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
                                                spec.dedupe().retention().toMillis()))
                                // kept across layout versions, which the state names carry
                                // (DedupeLayout): the operator refuses an older one in one line
                                .uid("dedupe-slots");
            }
        } else if (eventsType.getFieldCount() < payloadType.getFieldCount()) {
            events =
                    valid.map(new Project(kept))
                            .returns(eventsInfo)
                            .name("columns read")
                            .uid("project");
        }
        if (!run.isBatch()) {
            SingleOutputStreamOperator<RowData> onTime =
                    events.process(
                                    new LateEventFilter(
                                            new EventTime(
                                                    eventsType.getFieldIndex(spec.eventTime()), 3),
                                            eventsType,
                                            run.runId(),
                                            spec.name(),
                                            source))
                            .returns(eventsInfo)
                            .name("late events")
                            .uid("late-filter");
            rejected = rejected.union(onTime.getSideOutput(ContractGate.LATE));
            events = onTime;
        }
        Schema.Builder schema =
                Schema.newBuilder().fromRowDataType(DataTypeUtils.toInternalDataType(eventsType));
        if (!run.isBatch()) {
            schema.watermark(spec.eventTime(), "SOURCE_WATERMARK()");
        }
        Table eventsTable = tableEnv.fromDataStream(events, schema.build());
        tableEnv.createTemporaryView(EVENTS_VIEW, eventsTable);

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
        return new Result(checked, resultType, rejected, staging, payloadType);
    }

    /**
     * The columns of the view {@code events}: those the SQL reads ({@link ColumnUse}) and the event
     * time, in contract order; all columns, with a warning, when that cannot be derived. Unread
     * columns (the dedupe key too, unless the SQL reads it) are validated, staged and quarantined
     * like the others, but never shuffled.
     */
    static RowType eventsType(PipelineSpec spec, RowType payloadType) {
        Optional<Set<String>> read =
                ColumnUse.columnsRead(spec.transform(), payloadType, spec.eventTime());
        if (read.isEmpty()) {
            return payloadType;
        }
        Set<String> needed = new HashSet<>(read.get());
        needed.add(spec.eventTime());
        List<RowType.RowField> fields = new ArrayList<>();
        for (RowType.RowField field : payloadType.getFields()) {
            if (needed.contains(field.getName())) {
                fields.add(field);
            }
        }
        RowType projected = new RowType(true, fields);
        // the SQL must validate against the narrower view too; if the analysis missed a column,
        // keep all
        if (fields.size() < payloadType.getFieldCount()
                && !ColumnUse.validates(spec.transform(), projected, spec.eventTime())) {
            LOG.warn(
                    "the transform does not validate against only the columns it was found to read ({}):"
                            + " every column of the view `{}` is shuffled",
                    projected.getFieldNames(),
                    EVENTS_VIEW);
            return payloadType;
        }
        return projected;
    }

    private static Table transform(StreamTableEnvironment tableEnv, PipelineSpec spec) {
        try {
            return tableEnv.sqlQuery(spec.transform());
        } catch (ValidationException | org.apache.flink.table.api.SqlParserException e) {
            throw new ConfigException(
                    spec.file()
                            + ": transform: "
                            + firstLine(rootMessage(e))
                            + " (the SQL reads the view `"
                            + EVENTS_VIEW
                            + "` with the columns of contract "
                            + spec.contract().name()
                            + ": "
                            + String.join(", ", spec.contract().columnNames())
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
