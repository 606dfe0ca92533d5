package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

class BatchDedupeOperatorTest {

    private static final DedupeKey KEY = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));
    private static final int[] ALL =
            IntStream.range(0, SensorRows.PIPELINE_TYPE.getFieldCount()).toArray();

    private final Map<String, Long> counts = new HashMap<>();

    /**
     * Fingerprints the rows as the pipeline does before the shuffle, dedupes them to the end of the
     * input, returns what is kept (copied by the harness as the operator emits it).
     */
    private List<RowData> dedupe(DedupeKey key, int[] kept, List<GenericRowData> rows)
            throws Exception {
        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                harness(key, kept, rows)) {
            harness.endInput();
            counts.putAll(HarnessAccumulators.of(harness));
            return harness.extractOutputValues().stream()
                    .<RowData>map(row -> copy(row, kept))
                    .toList();
        }
    }

    /**
     * A harness that has been sent the fingerprinted rows (no end of input yet): each a row of its
     * own, as they come off the network, or with object reuse one reused view, as a chained
     * operator would pass them.
     */
    private static OneInputStreamOperatorTestHarness<RowData, RowData> harness(
            DedupeKey key, int[] kept, List<GenericRowData> rows, boolean objectReuse)
            throws Exception {
        Fingerprinted.Fingerprint fingerprint = fingerprinter(key, kept);
        RowType carried = project(kept);
        RowDataSerializer network = new RowDataSerializer(Fingerprinted.type(carried));
        OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new BatchDedupeOperator(Fingerprinted.type(carried)));
        if (objectReuse) {
            harness.getExecutionConfig().enableObjectReuse();
        }
        harness.setup(new RowDataSerializer(carried));
        harness.open();
        for (GenericRowData row : rows) {
            RowData view = fingerprint.map(row);
            harness.processElement(objectReuse ? view : network.copy(view), 0L);
        }
        return harness;
    }

    private static OneInputStreamOperatorTestHarness<RowData, RowData> harness(
            DedupeKey key, int[] kept, List<GenericRowData> rows) throws Exception {
        return harness(key, kept, rows, false);
    }

    private static Fingerprinted.Fingerprint fingerprinter(DedupeKey key, int[] kept) {
        Fingerprinted.Fingerprint fingerprint = new Fingerprinted.Fingerprint(key, kept);
        fingerprint.open(DefaultOpenContext.INSTANCE);
        return fingerprint;
    }

    /** The kept columns as a GenericRowData, comparable with the rows sent. */
    private static GenericRowData copy(RowData row, int[] kept) {
        GenericRowData copy = new GenericRowData(kept.length);
        RowType type = SensorRows.PIPELINE_TYPE;
        for (int i = 0; i < kept.length; i++) {
            copy.setField(
                    i, RowData.createFieldGetter(type.getTypeAt(kept[i]), i).getFieldOrNull(row));
        }
        return copy;
    }

    private static RowType project(int[] kept) {
        List<RowType.RowField> fields = new ArrayList<>();
        for (int index : kept) {
            fields.add(SensorRows.PIPELINE_TYPE.getFields().get(index));
        }
        return new RowType(fields);
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

        Fingerprinted.Fingerprint fingerprint =
                new Fingerprinted.Fingerprint(KEY, timestampAndDevice);
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

    @Test
    void keysRepeatedWithinAndAcrossLookupBatchesKeepTheirFirstCopyInArrivalOrder()
            throws Exception {
        // 3.5 lookup batches of rows over 40 ids: copies of a key in the same batch and in later
        // ones
        List<GenericRowData> rows = new ArrayList<>();
        Set<String> firstCopies = new LinkedHashSet<>();
        for (int i = 0; i < 3 * BatchDedupeOperator.BATCH + BatchDedupeOperator.BATCH / 2; i++) {
            String id = "evt-" + (i * 7 % 40);
            rows.add(reading(id).temperature((double) i).build());
            firstCopies.add(id);
        }

        List<RowData> kept = dedupe(KEY, ALL, rows);

        assertThat(kept.stream().map(SensorRows::idOf)).containsExactlyElementsOf(firstCopies);
        for (RowData row : kept) {
            GenericRowData first =
                    rows.stream()
                            .filter(r -> SensorRows.idOf(r).equals(SensorRows.idOf(row)))
                            .findFirst()
                            .orElseThrow();
            assertThat(row).as("the first copy of " + SensorRows.idOf(row)).isEqualTo(first);
        }
        assertThat(counts)
                .containsEntry("dedupe.in", (long) rows.size())
                .containsEntry("dedupe.out", 40L)
                .containsEntry("dedupe.duplicates", rows.size() - 40L);
    }

    @Test
    void withObjectReuseHeldRowsAreCopies() throws Exception {
        List<GenericRowData> rows =
                List.of(
                        reading("evt-1").build(),
                        reading("evt-2").build(),
                        reading("evt-1").build());

        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                harness(KEY, ALL, rows, true)) {
            harness.endInput();

            assertThat(harness.extractOutputValues())
                    .extracting(SensorRows::idOf)
                    .containsExactly("evt-1", "evt-2");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void heldRowsArePassedOnBeforeAWatermarkAndAtTheEndOfInput() throws Exception {
        List<GenericRowData> rows =
                List.of(
                        reading("evt-1").build(),
                        reading("evt-2").build(),
                        reading("evt-1").build());

        try (OneInputStreamOperatorTestHarness<RowData, RowData> harness =
                harness(KEY, ALL, rows)) {
            assertThat(harness.getOutput()).as("held for a lookup batch").isEmpty();

            harness.processWatermark(new Watermark(5L));

            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output).hasSize(3);
            assertThat(output.subList(0, 2))
                    .extracting(
                            record -> SensorRows.idOf(((StreamRecord<RowData>) record).getValue()))
                    .containsExactly("evt-1", "evt-2");
            assertThat(output.get(2)).isEqualTo(new Watermark(5L));

            harness.processElement(
                    new RowDataSerializer(Fingerprinted.type(SensorRows.PIPELINE_TYPE))
                            .copy(fingerprinter(KEY, ALL).map(reading("evt-3").build())),
                    42L);
            harness.endInput();
            assertThat(harness.extractOutputValues())
                    .extracting(SensorRows::idOf)
                    .containsExactly("evt-1", "evt-2", "evt-3");
            assertThat(harness.extractOutputStreamRecords())
                    .as("timestamps kept")
                    .extracting(StreamRecord::getTimestamp)
                    .containsExactly(0L, 0L, 42L);
            assertThat(HarnessAccumulators.of(harness))
                    .containsEntry("dedupe.in", 4L)
                    .containsEntry("dedupe.duplicates", 1L);
        }
    }
}
