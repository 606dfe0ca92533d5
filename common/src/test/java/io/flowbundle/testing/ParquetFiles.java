package io.flowbundle.testing;

import io.flowbundle.parquet.ParquetFormats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.local.LocalDataOutputStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/** Writes and inspects small Parquet files the way flowbundle writes them. */
public final class ParquetFiles {

    private ParquetFiles() {}

    /** Writes {@code rows} of {@code rowType} with {@link ParquetFormats#writerFactory}. */
    public static Path write(Path file, RowType rowType, List<? extends RowData> rows) {
        try {
            Files.createDirectories(file.getParent());
            BulkWriter.Factory<RowData> factory = ParquetFormats.writerFactory(rowType, "snappy");
            try (LocalDataOutputStream out = new LocalDataOutputStream(file.toFile())) {
                BulkWriter<RowData> writer = factory.create(out);
                for (RowData row : rows) {
                    writer.addElement(row);
                }
                writer.finish();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema in a file's footer. */
    public static MessageType schemaOf(Path file) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of {@code file} cut to {@code fraction} of its length: a crashed writer's leftover.
     */
    public static Path truncatedCopy(Path file, Path copy, double fraction) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.createDirectories(copy.getParent());
            Files.write(copy, java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
