package io.flowbundle.connector.postgres;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.table.data.RowData;

/**
 * A Flink sink writing documents to PostgreSQL at least once (each batch is flushed before every
 * checkpoint and at the end of input); the upsert that keeps the first copy of every id makes a
 * repeated write a no-op, so the table holds each document exactly once.
 */
final class PostgresSink implements Sink<RowData> {

    private static final long serialVersionUID = 1L;

    private final PostgresSinkSpec spec;
    private final PostgresDocuments documents;
    private final String runId;

    PostgresSink(PostgresSinkSpec spec, PostgresDocuments documents, String runId) {
        this.spec = spec;
        this.documents = documents;
        this.runId = runId;
    }

    @Override
    public SinkWriter<RowData> createWriter(WriterInitContext context) {
        return new PostgresWriter(
                spec,
                documents,
                runId,
                context.getProcessingTimeService(),
                PostgresWriter.SOCKET_TIMEOUT);
    }
}
