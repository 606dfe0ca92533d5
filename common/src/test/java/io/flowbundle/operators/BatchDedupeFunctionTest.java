package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;

import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

class BatchDedupeFunctionTest {

    private static final DedupeKey KEY = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));
    private static final int[] ALL = IntStream.range(0, SensorRows.PIPELINE_TYPE.getFieldCount()).toArray();

    private final Map<String, Long> counts = new HashMap<>();

    /** Fingerprints the rows as the pipeline does before the shuffle, dedupes, returns what is kept. */
    private List<RowData> dedupe(DedupeKey key, int[] kept, List<GenericRowData> rows) throws Exception {
        Fingerprinted.Fingerprint fingerprint = new Fingerprinted.Fingerprint(key, kept);
        fingerprint.open(DefaultOpenContext.INSTANCE);
        List<RowData> out = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new BatchDedupeFunction(kept.length))) {
            for (GenericRowData row : rows) {
                int before = harness.extractOutputValues().size();
                harness.processElement(fingerprint.map(row), 0L);
                List<RowData> outputs = harness.extractOutputValues();
                if (outputs.size() > before) {
                    // the function passes on a reused view: read it before the next record
                    out.add(copy(outputs.get(outputs.size() - 1), kept));
                }
            }
            counts.putAll(HarnessAccumulators.of(harness));
        }
        return out;
    }

    private static GenericRowData copy(RowData row, int[] kept) {
        GenericRowData copy = new GenericRowData(kept.length);
        RowType type = SensorRows.PIPELINE_TYPE;
        for (int i = 0; i < kept.length; i++) {
            copy.setField(i, RowData.createFieldGetter(type.getTypeAt(kept[i]), i).getFieldOrNull(row));
        }
        return copy;
    }

    @Test
    void keepsTheFirstCopyOfEachKeyAndCountsTheRest() throws Exception {
        List<GenericRowData> rows = new ArrayList<>();
        for (String id : List.of("evt-1", "evt-2", "evt-1", "evt-3", "evt-2", "evt-1")) {
            rows.add(reading(id).temperature(id.equals("evt-1") ? 20.0 : 21.0).build());
        }

        List<RowData> kept = dedupe(KEY, ALL, rows);

        assertThat(kept.stream().map(SensorRows::idOf)).containsExactly("evt-1", "evt-2", "evt-3");
        assertThat(kept.get(0)).as("the first copy, column for column").isEqualTo(rows.get(0));
        assertThat(counts)
                .containsEntry("dedupe.in", 6L)
                .containsEntry("dedupe.out", 3L)
                .containsEntry("dedupe.duplicates", 3L);
    }

    @Test
    void passesOnOnlyTheKeptColumnsAndNotTheKey() throws Exception {
        int[] timestampAndDevice = {SensorRows.TIMESTAMP, SensorRows.DEVICE_ID};
        List<GenericRowData> rows =
                List.of(
                        reading("evt-1").at("2026-11-01T10:00:00Z").device("d-1").build(),
                        reading("evt-1").at("2026-11-01T10:00:00Z").device("d-1").build(),
                        reading("evt-2").at("2026-11-01T10:00:00Z").device("d-1").build());

        Fingerprinted.Fingerprint fingerprint = new Fingerprinted.Fingerprint(KEY, timestampAndDevice);
        fingerprint.open(DefaultOpenContext.INSTANCE);
        RowData shuffled = fingerprint.map(rows.get(0));

        assertThat(shuffled.getArity()).as("fingerprint halves + two columns").isEqualTo(4);
        assertThat(shuffled.getString(3).toString()).isEqualTo("d-1");
        assertThat(dedupe(KEY, timestampAndDevice, rows)).hasSize(2);
        assertThat(Fingerprinted.type(SensorRows.PIPELINE_TYPE).getFieldCount())
                .isEqualTo(SensorRows.PIPELINE_TYPE.getFieldCount() + 2);
    }

    @Test
    void aMissingKeyIsAKeyOfItsOwnNotTheTextNull() throws Exception {
        DedupeKey byDevice = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id"));

        List<RowData> kept =
                dedupe(
                        byDevice,
                        ALL,
                        List.of(
                                reading("evt-1").noDevice().build(),
                                reading("evt-2").device("null").build(),
                                reading("evt-3").noDevice().build()));

        assertThat(kept.stream().map(SensorRows::idOf)).containsExactly("evt-1", "evt-2");
    }
}
