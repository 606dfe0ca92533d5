package io.flowbundle.operators;

import io.flowbundle.contract.RowValidator;
import io.flowbundle.contract.UnknownColumn;
import io.flowbundle.contract.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets through the rows that decode and keep the contract, and sends every other record to a side
 * output with the rule it broke and where it came from: {@link #REJECTED} for records that did not
 * decode or broke the contract, {@link #LATE} (and {@link #lateRows}) for valid records the source
 * marked late. Used on input (both modes) and on output (output contract), so batch and streaming
 * share one validation path.
 *
 * <p>Counts {@code <stage>.in}, {@code .out}, {@code .rejected}, {@code .rule.<rule:column>} and
 * {@code late.events}: in = out + rejected + late, always, also across restores. On input rows with
 * a column {@code _unknown} (fields the contract does not name), it also counts {@code
 * unknown.records} and, per dotted path, {@code unknown.path.<path>}: records that had it, the
 * first {@link #MAX_UNKNOWN_PATHS} paths a subtask meets by name, any further ones together as
 * {@code unknown.other_paths} (producers choose the names; counters must stay bounded).
 */
public final class ContractGate extends CountingProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RowData> REJECTED =
            new OutputTag<>("rejected", Rejected.typeInfo());
    public static final OutputTag<RowData> LATE = new OutputTag<>("late", Rejected.typeInfo());

    public static final String UNKNOWN_STAGE = "unknown";
    public static final String UNKNOWN_RECORDS = "records";
    public static final String UNKNOWN_PATH = "path.";
    public static final String UNKNOWN_OTHER_PATHS = "other_paths";
    public static final int MAX_UNKNOWN_PATHS = 100;

    private final OutputTag<RowData> lateRows;

    private final String stage;
    private final RowValidator validator;
    private final RowType payloadType;
    private final String runId;
    private final String pipeline;
    private final String source;
    private String input;

    private transient JsonRowEncoder encoder;
    private transient Counters.Count in;
    private transient Counters.Count out;
    private transient Counters.Count rejected;
    private transient Counters.Count late;
    private transient RowType contractType;
    private transient Counters.Count withUnknown;
    private transient Map<String, Counters.Count> unknownPaths;

    /**
     * @param stage {@code input} or {@code output}; names the counters and the rejected records
     * @param validator the contract's rules; null checks decoding only
     * @param source the dataset the records come from, for the rejected records
     */
    public ContractGate(
            String stage,
            RowValidator validator,
            RowType payloadType,
            String runId,
            String pipeline,
            String source) {
        this.stage = stage;
        this.validator = validator;
        this.payloadType = payloadType;
        this.runId = runId;
        this.pipeline = pipeline;
        this.source = source;
        this.lateRows = lateRows(payloadType);
    }

    /**
     * Late rows as they are (valid, so they still belong in the staging layer, where a batch rerun
     * of their date picks them up).
     */
    public static OutputTag<RowData> lateRows(RowType payloadType) {
        return new OutputTag<>(
                "late-rows",
                org.apache.flink.table.runtime.typeutils.InternalTypeInfo.of(payloadType));
    }

    /**
     * Counts as the operator of input {@code input} ({@link Counters#scoped}) rather than of the
     * main input.
     */
    public ContractGate countedAs(String input) {
        this.input = input;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        encoder = new JsonRowEncoder(payloadType);
        in = counters.counter(Counters.scoped(stage, input), "in");
        out = counters.counter(Counters.scoped(stage, input), "out");
        rejected = counters.counter(Counters.scoped(stage, input), "rejected");
        late = counters.counter(Counters.scoped("late", input), "events");
        if (stage.equals("input") && UnknownColumn.isLastOf(payloadType)) {
            contractType = UnknownColumn.removeFrom(payloadType);
            withUnknown = counters.counter(Counters.scoped(UNKNOWN_STAGE, input), UNKNOWN_RECORDS);
            unknownPaths = new HashMap<>();
        }
    }

    @Override
    public void processElement(RowData envelope, Context ctx, Collector<RowData> collector) {
        in.inc();
        if (!Envelope.isDecoded(envelope)) {
            rejected.inc();
            counters.counter(
                            Counters.scoped(stage, input),
                            "rule." + Envelope.failure(envelope).ruleId())
                    .inc();
            ctx.output(REJECTED, rejection(envelope, stage, Envelope.failure(envelope), null));
            return;
        }
        RowData row = Envelope.payload(envelope, payloadType.getFieldCount());
        if (contractType != null && !row.isNullAt(contractType.getFieldCount())) {
            countUnknown(row.getString(contractType.getFieldCount()).toString());
        }
        Violation violation = validator == null ? null : validator.validate(row);
        if (violation != null) {
            rejected.inc();
            counters.counter(Counters.scoped(stage, input), "rule." + violation.ruleId()).inc();
            ctx.output(REJECTED, rejection(envelope, stage, violation, row));
            return;
        }
        if (Envelope.isLate(envelope)) {
            late.inc();
            Violation behind =
                    new Violation(
                            Rejected.STAGE_LATE,
                            null,
                            "event time is at or behind the watermark of its partition ("
                                    + Instant.ofEpochMilli(envelope.getLong(Envelope.LATE_BEHIND))
                                    + "); its window may have been emitted");
            ctx.output(LATE, rejection(envelope, Rejected.STAGE_LATE, behind, row));
            ctx.output(lateRows, row);
            return;
        }
        out.inc();
        collector.collect(row);
    }

    private void countUnknown(String unknown) {
        withUnknown.inc();
        for (String path : new LinkedHashSet<>(UnknownColumn.paths(unknown, contractType))) {
            String name = Violation.quote(path);
            Counters.Count count = unknownPaths.get(name);
            if (count == null) {
                if (unknownPaths.size() < MAX_UNKNOWN_PATHS) {
                    count =
                            counters.counter(
                                    Counters.scoped(UNKNOWN_STAGE, input), UNKNOWN_PATH + name);
                    unknownPaths.put(name, count);
                } else {
                    count =
                            counters.counter(
                                    Counters.scoped(UNKNOWN_STAGE, input), UNKNOWN_OTHER_PATHS);
                }
            }
            count.inc();
        }
    }

    private RowData rejection(
            RowData envelope, String stageName, Violation violation, RowData row) {
        String record = null;
        String encoding = "utf-8";
        if (!envelope.isNullAt(Envelope.RAW)) {
            byte[] raw = envelope.getBinary(Envelope.RAW);
            try {
                record =
                        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                record = Base64.getEncoder().encodeToString(raw);
                encoding = "base64";
            }
        } else if (row != null) {
            record = encoder.encodeToString(row);
        }
        return Rejected.of(
                runId,
                pipeline,
                stageName,
                violation,
                source,
                envelope.isNullAt(Envelope.PARTITION) ? null : envelope.getInt(Envelope.PARTITION),
                envelope.isNullAt(Envelope.OFFSET) ? null : envelope.getLong(Envelope.OFFSET),
                record,
                encoding);
    }
}
