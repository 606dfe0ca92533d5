package io.flowbundle.connector.parquet;

import io.flowbundle.connector.EventSource;
import io.flowbundle.operators.Envelope;
import io.flowbundle.parquet.ParquetFormats;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Parquet files (on any Flink file system) read column by column into the pipeline's row type, as
 * envelopes.
 */
public final class ParquetEventSource implements EventSource {

    private final List<Path> files;
    private final RowType payloadType;
    private final String name;

    /**
     * @param name the source as people name it; its last segment names the operator
     */
    public ParquetEventSource(List<Path> files, RowType payloadType, String name) {
        this.files = List.copyOf(files);
        this.payloadType = payloadType;
        this.name = new Path(name).getName();
    }

    @Override
    public DataStream<RowData> envelopes(StreamExecutionEnvironment env) {
        FileSource<RowData> source =
                FileSource.forBulkFileFormat(
                                ParquetFormats.inputFormat(payloadType), files.toArray(Path[]::new))
                        .build();
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
