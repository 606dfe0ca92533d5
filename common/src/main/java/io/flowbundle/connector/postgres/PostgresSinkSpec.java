package io.flowbundle.connector.postgres;

import io.flowbundle.config.Secrets;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.connector.WrittenDataset;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.spec.SinkSpec;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;

/**
 * JSONB documents in a PostgreSQL table, one per id, the first copy kept. The sink's writes are its
 * own commit: no staged folder, nothing for the run to commit or for retention to expire.
 *
 * @param password resolved from the spec's reference; never part of {@link #toString()}, {@link
 *     #describe()} or {@link #dataset()}
 */
public record PostgresSinkSpec(
        PostgresTarget target, String user, String password, int batchSize, Duration flushInterval)
        implements SinkSpec {

    @Override
    public String type() {
        return PostgresConnector.TYPE;
    }

    @Override
    public String describe() {
        return target.describe();
    }

    @Override
    public Datasets.Id dataset() {
        return target.dataset();
    }

    @Override
    public void preflight(Preflight preflight, String key) {
        PostgresPreflight.add(preflight, this, key);
    }

    @Override
    public WrittenDataset attach(DataStream<RowData> rows, SinkContext context) {
        rows.sinkTo(new PostgresSink(this, PostgresDocuments.of(context), context.run().runId()))
                .name(context.dataset() + ": postgres " + target.qualifiedTable())
                .uid(context.uid());
        return new WrittenDataset(
                dataset(), describe(), null, null, Partitioning.none(context.rowType()));
    }

    @Override
    public String toString() {
        return "PostgresSinkSpec["
                + describe()
                + ", user="
                + user
                + ", password="
                + (password == null ? "none" : Secrets.MASK)
                + ", batchSize="
                + batchSize
                + ", flushInterval="
                + flushInterval
                + "]";
    }
}
