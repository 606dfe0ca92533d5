package io.flowbundle.parquet;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;

/**
 * Parquet {@link FileSink}s: Hive partitions from a {@link Partitioning}, files named {@code
 * <prefix>-<subtask>-<n>.parquet}. Files become visible when committed: at the end of a bounded
 * job, or at each checkpoint of a streaming job (exactly once: a restored job never commits a file
 * twice).
 */
public final class ParquetSinks {

    private ParquetSinks() {}

    public static FileSink<RowData> fileSink(
            Path directory, Partitioning partitioning, String compression, String filePrefix) {
        return fileSink(
                new org.apache.flink.core.fs.Path(directory.toUri()),
                partitioning,
                compression,
                filePrefix);
    }

    /**
     * A sink into any Flink file system ({@code s3://bucket/out/}, {@code file:///...}). On S3 a
     * file is a multipart upload completed at commit: nothing is visible before, and no rename.
     */
    public static FileSink<RowData> fileSink(
            org.apache.flink.core.fs.Path directory,
            Partitioning partitioning,
            String compression,
            String filePrefix) {
        BulkWriter.Factory<RowData> writers =
                new ProjectingWriterFactory(
                        ParquetFormats.writerFactory(partitioning.writtenType(), compression),
                        partitioning);
        return FileSink.forBulkFormat(directory, writers)
                .withBucketAssigner(new PartitionBucketAssigner(partitioning))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix(filePrefix)
                                .withPartSuffix(".parquet")
                                .build())
                .build();
    }

    /** Puts each row into the bucket (folder) of its partition values. */
    static final class PartitionBucketAssigner implements BucketAssigner<RowData, String> {

        private static final long serialVersionUID = 1L;

        private final Partitioning partitioning;

        PartitionBucketAssigner(Partitioning partitioning) {
            this.partitioning = partitioning;
        }

        @Override
        public String getBucketId(RowData row, Context context) {
            return partitioning.partitionPath(row);
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    /** Drops the partition columns (they live in the path) before a row reaches the file. */
    static final class ProjectingWriterFactory implements BulkWriter.Factory<RowData> {

        private static final long serialVersionUID = 1L;

        private final BulkWriter.Factory<RowData> delegate;
        private final Partitioning partitioning;

        ProjectingWriterFactory(BulkWriter.Factory<RowData> delegate, Partitioning partitioning) {
            this.delegate = delegate;
            this.partitioning = partitioning;
        }

        @Override
        public BulkWriter<RowData> create(FSDataOutputStream out) throws IOException {
            BulkWriter<RowData> writer = delegate.create(out);
            if (!partitioning.isPartitioned()) {
                return writer;
            }
            ProjectedRowData projection = partitioning.projection();
            return new BulkWriter<>() {
                @Override
                public void addElement(RowData row) throws IOException {
                    writer.addElement(projection.replaceRow(row));
                }

                @Override
                public void flush() throws IOException {
                    writer.flush();
                }

                @Override
                public void finish() throws IOException {
                    writer.finish();
                }
            };
        }
    }
}
