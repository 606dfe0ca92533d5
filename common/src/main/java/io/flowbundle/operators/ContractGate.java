package io.flowbundle.operators;

import io.flowbundle.contract.RowValidator;
import io.flowbundle.contract.Violation;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Lets through the rows that decode and keep the contract, and sends every other record to the
 * {@link #REJECTED} side output with the rule it broke and where it came from. Used on input (both
 * modes) and on output (output contract), so batch and streaming share one validation path.
 *
 * <p>Counts {@code <stage>.in}, {@code .out}, {@code .rejected} and {@code .rule.<rule:column>}:
 * in = out + rejected, always.
 */
public final class ContractGate extends ProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RowData> REJECTED =
            new OutputTag<>("rejected", Rejected.typeInfo());

    private final String stage;
    private final RowValidator validator;
    private final RowType payloadType;
    private final String runId;
    private final String pipeline;
    private final String source;

    private transient JsonRowEncoder encoder;
    private transient StageCounters counters;
    private transient StageCounters.Pair in;
    private transient StageCounters.Pair out;
    private transient StageCounters.Pair rejected;

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
    }

    @Override
    public void open(OpenContext openContext) {
        encoder = new JsonRowEncoder(payloadType);
        counters = new StageCounters(getRuntimeContext(), stage);
        in = counters.counter("in");
        out = counters.counter("out");
        rejected = counters.counter("rejected");
    }

    @Override
    public void processElement(RowData envelope, Context ctx, Collector<RowData> collector) {
        in.inc();
        if (!Envelope.isDecoded(envelope)) {
            reject(ctx, envelope, Envelope.failure(envelope), null);
            return;
        }
        RowData row = Envelope.payload(envelope, payloadType.getFieldCount());
        Violation violation = validator == null ? null : validator.validate(row);
        if (violation != null) {
            reject(ctx, envelope, violation, row);
            return;
        }
        out.inc();
        collector.collect(row);
    }

    private void reject(Context ctx, RowData envelope, Violation violation, RowData row) {
        rejected.inc();
        counters.counter("rule." + violation.ruleId()).inc();
        String record = null;
        String encoding = "utf-8";
        if (!envelope.isNullAt(Envelope.RAW)) {
            byte[] raw = envelope.getBinary(Envelope.RAW);
            try {
                record = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                record = Base64.getEncoder().encodeToString(raw);
                encoding = "base64";
            }
        } else if (row != null) {
            record = encoder.encodeToString(row);
        }
        ctx.output(
                REJECTED,
                Rejected.of(
                        runId,
                        pipeline,
                        stage,
                        violation,
                        source,
                        envelope.isNullAt(Envelope.PARTITION) ? null : envelope.getInt(Envelope.PARTITION),
                        envelope.isNullAt(Envelope.OFFSET) ? null : envelope.getLong(Envelope.OFFSET),
                        record,
                        encoding));
    }
}
