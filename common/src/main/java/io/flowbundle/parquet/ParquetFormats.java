package io.flowbundle.parquet;

import java.util.Locale;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.formats.parquet.ParquetColumnarRowInputFormat;
import org.apache.flink.formats.parquet.row.ParquetRowDataBuilder;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.hadoop.conf.Configuration;

/**
 * How flowbundle reads and writes Parquet: UTC timestamps, written as INT64 microseconds (not
 * Flink's default INT96) so DuckDB, Spark and Polars read them as plain timestamps.
 */
public final class ParquetFormats {

    private static final int READ_BATCH_SIZE = 2048;

    private ParquetFormats() {}

    public static BulkWriter.Factory<RowData> writerFactory(RowType rowType, String compression) {
        Configuration conf = new Configuration(false);
        conf.set("parquet.write.int64.timestamp", "true");
        conf.set("parquet.timestamp.time.unit", "micros");
        conf.set(
                "parquet.compression",
                compression.equalsIgnoreCase("none")
                        ? "UNCOMPRESSED"
                        : compression.toUpperCase(Locale.ROOT));
        return ParquetRowDataBuilder.createWriterFactory(rowType, conf, true);
    }

    /**
     * Reads the columns of {@code rowType} by name (case-sensitive) as {@link RowData}, with each
     * entry of a string dictionary decoded once ({@link DictionaryCachingFormat}).
     */
    public static ParquetColumnarRowInputFormat<FileSourceSplit> inputFormat(RowType rowType) {
        return new DictionaryCachingFormat(rowType, READ_BATCH_SIZE);
    }
}
