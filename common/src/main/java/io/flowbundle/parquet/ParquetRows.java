package io.flowbundle.parquet;

import io.flowbundle.fs.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Reads the rows of one Parquet file (local, or on any Flink file system) in the calling thread,
 * with the same vectorized reader the jobs use ({@link ParquetFormats#inputFormat}), so a check
 * outside a job sees exactly the values a job would see, without the cost of starting one.
 */
public final class ParquetRows {

    private ParquetRows() {}

    /** Receives each row; the row object is reused by the reader, so copy what you keep. */
    @FunctionalInterface
    public interface RowHandler {
        void accept(long rowNumber, RowData row);
    }

    /**
     * Calls {@code handler} for every row of {@code file}, read as {@code rowType} (columns by
     * name; a column the file lacks reads as null). Returns the number of rows read.
     */
    public static long forEach(Path file, RowType rowType, RowHandler handler) throws IOException {
        long size = Files.size(file);
        return forEach(
                new FileSourceSplit(
                        file.toString(),
                        new org.apache.flink.core.fs.Path(file.toUri()),
                        0,
                        size,
                        Files.getLastModifiedTime(file).toMillis(),
                        size),
                rowType,
                handler);
    }

    /** As {@link #forEach(Path, RowType, RowHandler)}, for a file on any Flink file system. */
    public static long forEach(
            org.apache.flink.core.fs.Path file, RowType rowType, RowHandler handler)
            throws IOException {
        if (Locations.isLocal(file)) {
            return forEach(Locations.toLocal(file), rowType, handler);
        }
        FileStatus status = file.getFileSystem().getFileStatus(file);
        return forEach(
                new FileSourceSplit(
                        file.toString(),
                        file,
                        0,
                        status.getLen(),
                        status.getModificationTime(),
                        status.getLen()),
                rowType,
                handler);
    }

    private static long forEach(FileSourceSplit split, RowType rowType, RowHandler handler)
            throws IOException {
        long rows = 0;
        try (BulkFormat.Reader<RowData> reader =
                ParquetFormats.inputFormat(rowType).createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RowData> batch;
            while ((batch = reader.readBatch()) != null) {
                try {
                    RecordAndPosition<RowData> record;
                    while ((record = batch.next()) != null) {
                        handler.accept(rows++, record.getRecord());
                    }
                } finally {
                    batch.releaseBatch();
                }
            }
        }
        return rows;
    }
}
