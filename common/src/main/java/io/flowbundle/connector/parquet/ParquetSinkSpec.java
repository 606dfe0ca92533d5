package io.flowbundle.connector.parquet;

import io.flowbundle.FlowbundleException;
import io.flowbundle.connector.Role;
import io.flowbundle.connector.SinkContext;
import io.flowbundle.connector.WrittenDataset;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.ParquetSinks;
import io.flowbundle.parquet.PartitionCommitter;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.SinkSpec;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;

/**
 * Parquet files under {@code path} (a local folder or an object-store prefix), in Hive partitions
 * named by {@code partitionBy}.
 *
 * <p>Bounded runs write aside ({@link PartitionCommitter#stagingDir}) and the run commits the files
 * when the job has succeeded, replacing the partitions it owns. Streaming runs write in place;
 * Flink's file sink makes files visible at checkpoints, exactly once.
 *
 * @param compression snappy, zstd, gzip or none
 */
public record ParquetSinkSpec(Path path, List<String> partitionBy, String compression)
        implements SinkSpec {

    public ParquetSinkSpec {
        partitionBy = List.copyOf(partitionBy);
    }

    /** A sink on the local disk. */
    public ParquetSinkSpec(java.nio.file.Path path, List<String> partitionBy, String compression) {
        this(Locations.local(path), partitionBy, compression);
    }

    @Override
    public String type() {
        return ParquetConnector.TYPE;
    }

    @Override
    public String describe() {
        return Locations.describe(path);
    }

    @Override
    public Datasets.Id dataset() {
        return Datasets.location(path);
    }

    @Override
    public Optional<Path> retainedFolder() {
        return Optional.of(path);
    }

    @Override
    public WrittenDataset attach(DataStream<RowData> rows, SinkContext context) {
        Partitioning partitioning =
                partitionBy.isEmpty()
                        ? Partitioning.none(context.rowType())
                        : Partitioning.of(
                                context.rowType(),
                                partitionBy,
                                context.spec().eventTime(),
                                context.spec().file() + ": " + context.key() + ".partition_by");
        RunInfo run = context.run();
        Path target = path;
        if (context.role() == Role.QUARANTINE && run.logicalDate() != null) {
            // one folder per logical date, replaced by a rerun of that date
            target = new Path(path, "date=" + run.logicalDate());
        }
        if (!Locations.isLocal(target)) {
            probe(target, context);
        }
        Path dir = run.isBatch() ? PartitionCommitter.stagingDir(target, run.runId()) : target;
        rows.sinkTo(ParquetSinks.fileSink(dir, partitioning, compression, "part-" + run.shortId()))
                .name(context.dataset() + ": parquet " + target.getName())
                .uid(context.uid());
        return new WrittenDataset(
                Datasets.location(target),
                Locations.describe(target),
                target,
                run.isBatch() ? dir : null,
                partitioning);
    }

    /**
     * One request to the object store before the job is built, so that a missing bucket or a wrong
     * key fails the run in one line naming the spec key rather than in the job's first write.
     */
    private static void probe(Path target, SinkContext context) {
        try {
            target.getFileSystem().exists(target);
        } catch (IOException e) {
            throw new FlowbundleException(
                    context.spec().file()
                            + ": "
                            + context.key()
                            + ".path: "
                            + StorageErrors.describe(target, e),
                    e);
        }
    }
}
