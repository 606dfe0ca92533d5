package io.flowbundle.connector.parquet;

import io.flowbundle.connector.EventSource;
import io.flowbundle.operators.Envelope;
import io.flowbundle.parquet.ParquetFormats;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/** Parquet files read column by column into the pipeline's row type, as envelopes. */
public final class ParquetEventSource implements EventSource {

    private final List<java.nio.file.Path> files;
    private final RowType payloadType;
    private final String name;

    public ParquetEventSource(List<java.nio.file.Path> files, RowType payloadType, String name) {
        this.files = List.copyOf(files);
        this.payloadType = payloadType;
        this.name = java.nio.file.Path.of(name).getFileName().toString();
    }

    @Override
    public DataStream<RowData> envelopes(StreamExecutionEnvironment env) {
        Path[] paths = files.stream().map(f -> new Path(f.toUri())).toArray(Path[]::new);
        FileSource<RowData> source =
                FileSource.forBulkFileFormat(ParquetFormats.inputFormat(payloadType), paths).build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "parquet " + name)
                .uid("source")
                .map(new ToEnvelope())
                .returns(Envelope.typeInfo(payloadType))
                .name("rows")
                .uid("source-envelopes");
    }

    private static final class ToEnvelope implements MapFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(RowData row) {
            return Envelope.ofRow(row);
        }
    }
}
