package io.flowbundle.parquet;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.ParquetFiles;
import io.flowbundle.testing.SensorRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.formats.parquet.ParquetColumnarRowInputFormat;
import org.apache.flink.formats.parquet.row.ParquetRowDataBuilder;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFormatsTest {

    @TempDir Path dir;

    @Test
    void timestampsAreWrittenAsPlainInt64Microseconds() {
        Path file =
                ParquetFiles.write(
                        dir.resolve("events.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("evt-1").build()));

        MessageType schema = ParquetFiles.schemaOf(file);
        PrimitiveType timestamp = schema.getType("timestamp").asPrimitiveType();

        assertThat(timestamp.getPrimitiveTypeName())
                .isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
        // Zone-less (isAdjustedToUTC=false): readers show the stored UTC wall-clock time as is.
        assertThat(timestamp.getLogicalTypeAnnotation())
                .isEqualTo(
                        LogicalTypeAnnotation.timestampType(
                                false, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("location").isPrimitive()).isFalse();
        assertThat(schema.getType("id").asPrimitiveType().getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.stringType());
    }

    @Test
    void duckDbReadsTheTimestampsAsPlainUtcWallClockTimes() throws Exception {
        Path file =
                ParquetFiles.write(
                        dir.resolve("events.parquet"),
                        SensorRows.TYPE,
                        List.of(reading("evt-1").at("2026-11-01T10:01:30.123456Z").build()));

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT typeof(\"timestamp\"), strftime(\"timestamp\", '%Y-%m-%dT%H:%M:%S.%f'),"
                                        + " location.room FROM read_parquet('"
                                        + file
                                        + "')")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("TIMESTAMP");
            assertThat(result.getString(2)).isEqualTo("2026-11-01T10:01:30.123456");
            assertThat(result.getString(3)).isEqualTo("room-1");
        }
    }

    @Test
    void rowsReadBackAsWritten() throws IOException {
        List<GenericRowData> rows =
                List.of(
                        reading("evt-1").at("2026-11-01T10:01:30.123456Z").build(),
                        reading("evt-2")
                                .at("1969-12-31T23:59:59.5Z")
                                .noDevice()
                                .temperature(null)
                                .build(),
                        reading("evt-3")
                                .at("2026-11-02T00:00:00Z")
                                .noLocation()
                                .humidity(99.9)
                                .build());
        Path file = ParquetFiles.write(dir.resolve("events.parquet"), SensorRows.TYPE, rows);

        assertThat(readAll(file)).containsExactlyElementsOf(rows);
    }

    @Test
    void compressionCodecsAndNone() throws IOException {
        for (String codec : List.of("snappy", "zstd", "gzip", "none", "NONE")) {
            Path file = dir.resolve(codec + ".parquet");
            var factory = ParquetFormats.writerFactory(SensorRows.TYPE, codec);
            try (var out =
                    new org.apache.flink.core.fs.local.LocalDataOutputStream(file.toFile())) {
                var writer = factory.create(out);
                writer.addElement(reading("evt-" + codec).build());
                writer.finish();
            }
            assertThat(readAll(file))
                    .as(codec)
                    .extracting(SensorRows::idOf)
                    .containsExactly("evt-" + codec);
        }
    }

    @Test
    void dictionaryEncodedStringsReadBackAcrossRowGroupsPagesAndFallback() throws IOException {
        // small row groups, pages and dictionary pages: each row group has its own dictionaries
        // (device ids that differ per group, with nulls); the ids repeat at first and then are
        // unique, so their column switches from dictionary pages to plain pages within a batch
        List<GenericRowData> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            SensorRows.Builder row =
                    reading(i < 5_000 ? "repeated-" + i % 10 : "evt-" + i)
                            .type(i % 3 == 0 ? "heartbeat" : "reading");
            rows.add(
                    (i % 97 == 0
                                    ? row.noDevice()
                                    : row.device("group-" + i / 4_000 + "-device-" + i % 61))
                            .build());
        }
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.set("parquet.block.size", "16384");
        conf.set("parquet.page.size", "4096");
        conf.set("parquet.dictionary.page.size", "8192");
        conf.set("parquet.write.int64.timestamp", "true");
        conf.set("parquet.timestamp.time.unit", "micros");
        Path file = dir.resolve("dictionaries.parquet");
        try (var out = new org.apache.flink.core.fs.local.LocalDataOutputStream(file.toFile())) {
            var writer =
                    ParquetRowDataBuilder.createWriterFactory(SensorRows.TYPE, conf, true)
                            .create(out);
            for (GenericRowData row : rows) {
                writer.addElement(row);
            }
            writer.finish();
        }
        try (ParquetFileReader footer =
                ParquetFileReader.open(
                        HadoopInputFile.fromPath(
                                new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
            assertThat(footer.getRowGroups()).hasSizeGreaterThan(2);
            Set<Encoding> idEncodings = new HashSet<>();
            footer.getRowGroups()
                    .forEach(
                            group ->
                                    idEncodings.addAll(
                                            group.getColumns().get(SensorRows.ID).getEncodings()));
            assertThat(idEncodings).contains(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY);
        }

        assertThat(DictionaryCachingFormat.caching())
                .as("dictionary entries shared in this Flink version")
                .isTrue();
        assertThat(readAll(file)).containsExactlyElementsOf(rows);
    }

    private static List<RowData> readAll(Path file) throws IOException {
        ParquetColumnarRowInputFormat<FileSourceSplit> format =
                ParquetFormats.inputFormat(SensorRows.TYPE);
        long size = Files.size(file);
        FileSourceSplit split =
                new FileSourceSplit(
                        "0", new org.apache.flink.core.fs.Path(file.toUri()), 0, size, 0, size);
        RowDataSerializer copier = new RowDataSerializer(SensorRows.TYPE);
        List<RowData> out = new ArrayList<>();
        try (BulkFormat.Reader<RowData> reader = format.createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RowData> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<RowData> record;
                while ((record = batch.next()) != null) {
                    out.add(toGeneric(copier.copy(record.getRecord())));
                }
                batch.releaseBatch();
            }
        }
        return out;
    }

    /** Columnar rows compare by identity; turn them into GenericRowData to compare by value. */
    private static RowData toGeneric(RowData row) {
        GenericRowData generic = new GenericRowData(row.getArity());
        for (int i = 0; i < row.getArity(); i++) {
            Object value =
                    RowData.createFieldGetter(SensorRows.TYPE.getTypeAt(i), i).getFieldOrNull(row);
            if (value instanceof RowData nested) {
                GenericRowData location = new GenericRowData(2);
                for (int j = 0; j < 2; j++) {
                    location.setField(j, nested.isNullAt(j) ? null : nested.getString(j));
                }
                value = location;
            }
            generic.setField(i, value);
        }
        return generic;
    }
}
