package io.flowbundle.connector.kafka;

import io.flowbundle.connector.EventSource;
import io.flowbundle.kafka.EnvelopeDeserializer;
import io.flowbundle.operators.EventTime;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.spec.PipelineSpec;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;

/**
 * JSON events from Kafka, decoded in the source with per-partition watermarks: a partition read
 * ahead of the others (as in a replay from earliest) cannot make the others' events late.
 */
public final class KafkaEventSource implements EventSource {

    private final Source<RowData, ?, ?> source;
    private final WatermarkStrategy<RowData> watermarks;
    private final String name;

    /** The spec's events from the topic {@code kafka} declares. */
    public static KafkaEventSource of(PipelineSpec spec, KafkaSourceSpec kafka, boolean bounded) {
        return new KafkaEventSource(
                KafkaConnectors.source(kafka, deserializer(spec), bounded),
                watermarks(spec),
                kafka.topic());
    }

    /** Decodes the spec's events and marks the ones late for their partition. */
    public static EnvelopeDeserializer deserializer(PipelineSpec spec) {
        return new EnvelopeDeserializer(
                spec.contract().rowType(spec.eventTime()),
                PipelineGraph.eventTime(spec).index(),
                spec.lateness().toMillis(),
                spec.contract().unknownFields());
    }

    /** Any source of envelopes (tests wrap the real one to inject failures). */
    public KafkaEventSource(
            Source<RowData, ?, ?> source, WatermarkStrategy<RowData> watermarks, String name) {
        this.source = source;
        this.watermarks = watermarks;
        this.name = name;
    }

    /**
     * Bounded out-of-orderness of {@code max_out_of_orderness + allowed_lateness}: windows fire
     * once, after both have passed.
     */
    public static WatermarkStrategy<RowData> watermarks(PipelineSpec spec) {
        EventTime eventTime = PipelineGraph.eventTime(spec);
        int arity = PipelineGraph.payloadType(spec).getFieldCount();
        WatermarkStrategy<RowData> strategy =
                WatermarkStrategy.<RowData>forBoundedOutOfOrderness(spec.lateness())
                        .withTimestampAssigner(eventTime.envelopeAssigner(arity));
        if (spec.watermark().idleTimeout() != null) {
            strategy = strategy.withIdleness(spec.watermark().idleTimeout());
        }
        return strategy;
    }

    @Override
    public DataStream<RowData> envelopes(StreamExecutionEnvironment env) {
        return env.fromSource(source, watermarks, "kafka: " + name).uid("source");
    }
}
