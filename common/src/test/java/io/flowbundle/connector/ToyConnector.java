package io.flowbundle.connector;

import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.spec.SinkSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;

/**
 * A connector that exists only in the tests, added the way any connector is: this class and a line
 * in {@code META-INF/services/io.flowbundle.connector.ConnectorFactory}. As a sink it keeps the
 * rows it receives in memory by {@code label}, so a job on an embedded cluster can be checked.
 */
public final class ToyConnector implements ConnectorFactory {

    public enum Shout {
        QUIET,
        LOUD
    }

    static final ConfigOption<String> LABEL =
            ConfigOptions.key("label")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Where rows are kept.");

    static final ConfigOption<Integer> COPIES =
            ConfigOptions.key("copies")
                    .intType()
                    .defaultValue(1)
                    .withDescription("How often a row is kept.");

    static final ConfigOption<Shout> SHOUT =
            ConfigOptions.key("shout")
                    .enumType(Shout.class)
                    .defaultValue(Shout.QUIET)
                    .withDescription("Tone.");

    private static final Map<String, Queue<String>> ROWS = new ConcurrentHashMap<>();

    /** The rows a toy sink labelled {@code label} received, as text. */
    public static List<String> rows(String label) {
        return List.copyOf(ROWS.getOrDefault(label, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public String type() {
        return "toy";
    }

    @Override
    public String description() {
        return "A test sink that keeps rows in memory.";
    }

    @Override
    public Optional<OptionSet> options(Role role) {
        return role == Role.SOURCE
                ? Optional.empty()
                : Optional.of(OptionSet.of(List.of(LABEL), List.of(COPIES, SHOUT)));
    }

    @Override
    public SinkSpec createSink(ConnectorOptions options, Role role) {
        int copies = options.get(COPIES);
        if (copies < 1) {
            throw options.error(COPIES, "must be at least 1, got " + copies);
        }
        return new ToySinkSpec(options.get(LABEL), copies, options.get(SHOUT));
    }

    /** Rows kept in memory. */
    public record ToySinkSpec(String label, int copies, Shout shout) implements SinkSpec {
        @Override
        public String type() {
            return "toy";
        }

        @Override
        public String describe() {
            return "toy://" + label;
        }

        @Override
        public Datasets.Id dataset() {
            return new Datasets.Id("toy://memory", label);
        }

        @Override
        public WrittenDataset attach(DataStream<RowData> rows, SinkContext context) {
            rows.map(new Keep(label, copies))
                    .name(context.dataset() + ": toy " + label)
                    .uid(context.uid())
                    .sinkTo(new DiscardingSink<>());
            return new WrittenDataset(
                    dataset(), describe(), null, null, Partitioning.none(context.rowType()));
        }
    }

    private record Keep(String label, int copies) implements MapFunction<RowData, String> {
        @Override
        public String map(RowData row) {
            Queue<String> kept = ROWS.computeIfAbsent(label, k -> new ConcurrentLinkedQueue<>());
            for (int i = 0; i < copies; i++) {
                kept.add(row.toString());
            }
            return label;
        }
    }
}
