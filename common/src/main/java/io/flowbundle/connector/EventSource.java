package io.flowbundle.connector;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;

/**
 * Where a job's events enter: a stream of {@link io.flowbundle.operators.Envelope}s, with
 * timestamps and watermarks when the job streams. Jobs take their source as a parameter, so tests
 * plug in their own.
 */
@FunctionalInterface
public interface EventSource {

    DataStream<RowData> envelopes(StreamExecutionEnvironment env);
}
