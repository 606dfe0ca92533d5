package io.flowbundle.connector.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.table.data.RowData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects documents into batches and writes each batch in one transaction with the upsert that
 * keeps the first copy ({@link PostgresTable#insert}). A batch is written when it is full, when its
 * oldest document has waited {@code flush_interval}, before every checkpoint and at the end of
 * input.
 *
 * <p>The documents of a batch are written in id order: two subtasks upserting overlapping ids then
 * take their row locks in the same order and cannot deadlock each other. A batch that fails on a
 * lost connection, a deadlock or a serialization failure is retried on a new connection, a few
 * times; anything else fails the task.
 */
final class PostgresWriter implements SinkWriter<RowData> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresWriter.class);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    private static final int ATTEMPTS = 3;

    private final PostgresSinkSpec spec;
    private final PostgresDocuments documents;
    private final String runId;
    private final ProcessingTimeService timers;
    private final Duration socketTimeout;

    /** By id: a later copy of an id within a batch is dropped here, the first kept. */
    private final Map<String, PostgresDocuments.Document> batch = new LinkedHashMap<>();

    private Connection connection;
    private PreparedStatement insert;
    private boolean timerSet;
    private boolean closed;

    PostgresWriter(
            PostgresSinkSpec spec,
            PostgresDocuments documents,
            String runId,
            ProcessingTimeService timers,
            Duration socketTimeout) {
        this.spec = spec;
        this.documents = documents;
        this.runId = runId;
        this.timers = timers;
        this.socketTimeout = socketTimeout;
    }

    @Override
    public void write(RowData row, Context context) throws IOException {
        PostgresDocuments.Document document = documents.document(row);
        batch.putIfAbsent(document.id(), document);
        if (batch.size() >= spec.batchSize()) {
            writeBatch();
        } else if (!timerSet) {
            timerSet = true;
            timers.registerTimer(
                    timers.getCurrentProcessingTime() + spec.flushInterval().toMillis(),
                    time -> onTimer());
        }
    }

    private void onTimer() throws IOException {
        timerSet = false;
        if (!closed) {
            writeBatch();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        writeBatch();
    }

    private void writeBatch() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<PostgresDocuments.Document> sorted = new ArrayList<>(batch.values());
        sorted.sort(Comparator.comparing(PostgresDocuments.Document::id));
        for (int attempt = 1; ; attempt++) {
            try {
                upsert(sorted);
                batch.clear();
                return;
            } catch (SQLException e) {
                closeConnection();
                if (!retriable(e) || attempt == ATTEMPTS) {
                    throw new IOException(
                            spec.describe()
                                    + ": cannot write "
                                    + sorted.size()
                                    + " documents: "
                                    + PostgresConnections.reason(e));
                }
                LOG.warn(
                        "{}: retrying a batch of {} documents: {}",
                        spec.describe(),
                        sorted.size(),
                        PostgresConnections.reason(e));
            }
        }
    }

    private void upsert(List<PostgresDocuments.Document> sorted) throws SQLException {
        if (connection == null) {
            connection =
                    PostgresConnections.open(
                            spec.target(),
                            spec.user(),
                            spec.password(),
                            CONNECT_TIMEOUT,
                            socketTimeout);
            // batch runs have no preflight that creates the table: the first writer does
            List<String> problems = PostgresTable.ensure(connection, spec.target());
            if (!problems.isEmpty()) {
                throw new SQLException(
                        "table "
                                + spec.target().qualifiedTable()
                                + " is not a documents table ("
                                + String.join("; ", problems)
                                + ")");
            }
            connection.setAutoCommit(false);
            insert = connection.prepareStatement(PostgresTable.insert(spec.target()));
        }
        try {
            for (PostgresDocuments.Document document : sorted) {
                insert.setString(1, document.id());
                insert.setString(2, document.json());
                if (document.eventTime() == null) {
                    insert.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    insert.setObject(3, document.eventTime());
                }
                insert.setString(4, document.source());
                insert.setString(5, runId);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            insert.clearBatch();
            throw e;
        }
    }

    /** A lost connection, a deadlock or a serialization failure: worth another try. */
    private static boolean retriable(SQLException e) {
        String state = PostgresConnections.cause(e).getSQLState();
        return PostgresConnections.isConnectionFailure(e)
                || "40P01".equals(state)
                || "40001".equals(state);
    }

    @Override
    public void close() {
        closed = true;
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug(
                        "closing the connection to {}: {}",
                        spec.target().server(),
                        PostgresConnections.reason(e));
            }
        }
        connection = null;
        insert = null;
    }
}
