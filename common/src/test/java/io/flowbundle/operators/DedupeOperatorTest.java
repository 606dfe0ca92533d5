package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.testing.HarnessAccumulators;
import io.flowbundle.testing.SensorRows;
import io.flowbundle.testing.Times;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the dedupe operator does whatever its state layout: {@link DedupeOperatorHeapTest} runs
 * these with the heap backend ({@link DedupeTables}), {@link DedupeOperatorRocksDbTest} with
 * RocksDB ({@link DedupeSlots}), each with tests of its own layout.
 */
abstract class DedupeOperatorTest {

    private static final Duration RETENTION = Duration.ofHours(1);

    /** Flink's default max parallelism for small jobs: 128 key groups. */
    static final int MAX_PARALLELISM = 128;

    static final DedupeKey KEY = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));

    /** How the test fingerprints a row before sending it (the pipeline: {@link Fingerprinted}). */
    interface Printer {
        void print(RowData row, long[] into);
    }

    KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harness;
    DedupeOperator operator;
    private Printer printer;
    int maxHeldKeys = DedupeOperator.MAX_HELD_KEYS;
    private long checkpoint;

    /** The state backend of this layout. */
    abstract StateBackend backend();

    /** The state backend of the other layout. */
    abstract StateBackend otherBackend();

    /**
     * Asserts that the keyed state holds nothing once a checkpoint has written what memory held.
     */
    abstract void assertStateIsEmpty() throws Exception;

    @BeforeEach
    void openHarness() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> newHarness()
            throws Exception {
        return harnessFor(KEY::fingerprint, null);
    }

    KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harnessFor(
            Printer fingerprint, OperatorSubtaskState restoreFrom) throws Exception {
        return harnessFor(fingerprint, restoreFrom, null, 1, 0);
    }

    KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harnessFor(
            Printer fingerprint, OperatorSubtaskState restoreFrom, StateBackend backend)
            throws Exception {
        return harnessFor(fingerprint, restoreFrom, backend, 1, 0);
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harnessFor(
            Printer fingerprint,
            OperatorSubtaskState restoreFrom,
            StateBackend backend,
            int parallelism,
            int subtask)
            throws Exception {
        printer = fingerprint;
        operator =
                new DedupeOperator(
                        SensorRows.PIPELINE_TYPE.getFieldCount(),
                        new EventTime(SensorRows.TIMESTAMP, 3),
                        RETENTION.toMillis(),
                        maxHeldKeys);
        KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator,
                        DedupeOperator.buckets(),
                        Types.INT,
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
        // before setup(), which creates the state backend
        harness.setStateBackend(backend != null ? backend : backend());
        // the operator passes on a reused view of the carried columns: keep copies of the output
        harness.setup(new RowDataSerializer(SensorRows.PIPELINE_TYPE));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    void send(String id, String eventTime) throws Exception {
        send(reading(id).at(eventTime).build());
    }

    /** Sends the row as the pipeline does: its key's fingerprint in front of its columns. */
    void send(GenericRowData row) throws Exception {
        long[] print = new long[2];
        printer.print(row, print);
        RowData fingerprinted = new JoinedRowData(GenericRowData.of(print[0], print[1]), row);
        harness.processElement(
                fingerprinted, row.getTimestamp(SensorRows.TIMESTAMP, 3).getMillisecond());
    }

    void watermark(String iso) throws Exception {
        harness.processWatermark(Times.millis(iso));
    }

    List<String> outputIds() {
        return harness.extractOutputValues().stream().map(SensorRows::idOf).toList();
    }

    long remembered() throws Exception {
        return operator.rememberedKeys();
    }

    /** A checkpoint of the harness's operator, at an increasing checkpoint id. */
    OperatorSubtaskState snapshot() throws Exception {
        return harness.snapshot(++checkpoint, checkpoint);
    }

    /** A canonical savepoint: what any state backend restores. */
    OperatorSubtaskState savepoint() throws Exception {
        return harness.snapshotWithLocalState(
                        ++checkpoint,
                        checkpoint,
                        SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
    }

    /** Nothing left: no remembered key, nothing in state after a checkpoint (and never a timer). */
    void assertForgotten() throws Exception {
        assertThat(remembered()).as("remembered keys").isZero();
        assertThat(harness.numEventTimeTimers()).as("timers").isZero();
        snapshot();
        assertStateIsEmpty();
    }

    @Test
    void keepsTheFirstCopyOfEachKeyAndCountsTheDuplicates() throws Exception {
        GenericRowData first =
                reading("evt-1").at("2026-11-01T10:00:00Z").temperature(21.0).build();
        send(first);
        send("evt-2", "2026-11-01T10:00:05Z");
        send(reading("evt-1").at("2026-11-01T10:00:00Z").temperature(21.0).build());
        send(reading("evt-1").at("2026-11-01T10:00:00Z").temperature(99.0).build());

        assertThat(outputIds()).containsExactly("evt-1", "evt-2");
        RowData kept = harness.extractOutputValues().get(0);
        assertThat(kept.getArity())
                .as("the carried columns, without the fingerprint")
                .isEqualTo(first.getArity());
        assertThat(kept.getDouble(SensorRows.TEMPERATURE)).as("the first copy").isEqualTo(21.0);
        assertThat(HarnessAccumulators.count(harness, "dedupe.in")).isEqualTo(4);
        assertThat(HarnessAccumulators.count(harness, "dedupe.out")).isEqualTo(2);
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isEqualTo(2);
        assertThat(remembered()).isEqualTo(2);
    }

    @Test
    void keptRecordsKeepTheirTimestamps() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");

        assertThat(harness.extractOutputStreamRecords().get(0).getTimestamp())
                .isEqualTo(Times.millis("2026-11-01T10:00:00Z"));
    }

    @Test
    void stateAndTimerAreClearedOnceTheWatermarkPassesFirstSeenPlusRetention() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");

        watermark("2026-11-01T10:59:59.999Z");
        send("evt-1", "2026-11-01T10:00:00Z");

        assertThat(outputIds())
                .as("still remembered just before the horizon")
                .containsExactly("evt-1");
        assertThat(remembered()).isEqualTo(1);

        watermark("2026-11-01T11:00:00Z");

        assertThat(remembered()).as("forgotten at first-seen + retention").isZero();
        assertForgotten();
    }

    @Test
    void keysAreKeptAtMostOneSliceLongerThanTheRetention() throws Exception {
        // 10:40 + 1 h = 11:40, rounded up to the next eighth of the retention: 11:45
        send("evt-1", "2026-11-01T10:40:00Z");

        watermark("2026-11-01T11:44:59.999Z");
        assertThat(remembered()).isEqualTo(1);

        watermark("2026-11-01T11:45:00Z");
        assertForgotten();
    }

    @Test
    void watermarksAreForwardedAfterTheCleanup() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        watermark("2026-11-01T11:00:00Z");

        assertThat(harness.getOutput())
                .filteredOn(
                        element ->
                                element
                                        instanceof
                                        org.apache.flink.streaming.api.watermark.Watermark)
                .extracting(
                        element ->
                                ((org.apache.flink.streaming.api.watermark.Watermark) element)
                                        .getTimestamp())
                .containsExactly(Times.millis("2026-11-01T11:00:00Z"));
    }

    @Test
    void aKeySeenAgainAfterCleanupIsKeptAgain() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        watermark("2026-11-01T11:00:00Z");

        send("evt-1", "2026-11-01T11:30:00Z");

        assertThat(outputIds()).containsExactly("evt-1", "evt-1");
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isZero();
        assertThat(remembered()).isEqualTo(1);

        watermark("2026-11-01T12:30:00Z");
        assertForgotten();
    }

    @Test
    void duplicatesDoNotExtendTheRetention() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-1", "2026-11-01T10:45:00Z");

        watermark("2026-11-01T11:00:00Z");

        assertForgotten();
    }

    @Test
    void eachKeyIsForgottenOnItsOwnSchedule() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:40:00Z");

        watermark("2026-11-01T11:00:00Z");
        assertThat(remembered()).isEqualTo(1);
        send("evt-2", "2026-11-01T10:40:00Z");
        assertThat(outputIds()).as("evt-2 is still remembered").containsExactly("evt-1", "evt-2");

        watermark("2026-11-01T11:45:00Z");
        assertForgotten();
    }

    @Test
    void rememberedKeysAndTimersSurviveARestore() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        OperatorSubtaskState snapshot = snapshot();
        harness.close();

        harness = restoredHarness(snapshot);
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:00:00Z");

        assertThat(outputIds()).as("the duplicate is still recognised").containsExactly("evt-2");
        assertThat(HarnessAccumulators.count(harness, "dedupe.duplicates")).isEqualTo(1);
        assertThat(remembered()).isEqualTo(2);

        watermark("2026-11-01T11:00:00Z");
        assertForgotten();
    }

    @Test
    void countsContinueFromTheCheckpointAfterARestore() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:00:01Z");
        send("evt-1", "2026-11-01T10:00:00Z");
        OperatorSubtaskState snapshot = snapshot();
        harness.close();

        harness = restoredHarness(snapshot);

        assertThat(HarnessAccumulators.of(harness))
                .as("before any new record")
                .containsEntry("dedupe.in", 3L)
                .containsEntry("dedupe.out", 2L)
                .containsEntry("dedupe.duplicates", 1L);

        send("evt-2", "2026-11-01T10:00:01Z");
        send("evt-3", "2026-11-01T10:00:02Z");

        Map<String, Long> counts = HarnessAccumulators.of(harness);
        assertThat(counts)
                .containsEntry("dedupe.in", 5L)
                .containsEntry("dedupe.out", 3L)
                .containsEntry("dedupe.duplicates", 2L);
        assertThat(counts.get("dedupe.in"))
                .isEqualTo(counts.get("dedupe.out") + counts.get("dedupe.duplicates"));
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> restoredHarness(
            OperatorSubtaskState snapshot) throws Exception {
        return harnessFor(KEY::fingerprint, snapshot);
    }

    @Test
    void keysWhoseSlotsCollideAreToldApartForgottenAndThenNewAgain() throws Exception {
        harness.close();
        harness = harnessFor(oneBucket(SAME_FIRST_HALF), null);
        for (String id : List.of("evt-1", "evt-2", "evt-1", "evt-3", "evt-2")) {
            send(reading(id).at("2026-11-01T10:00:00Z").build());
        }

        assertThat(outputIds()).containsExactly("evt-1", "evt-2", "evt-3");
        assertThat(remembered()).isEqualTo(3);
        watermark("2026-11-01T11:00:00Z");
        assertForgotten();
        for (String id : List.of("evt-1", "evt-2", "evt-3")) {
            send(reading(id).at("2026-11-01T11:30:00Z").build());
        }
        assertThat(outputIds())
                .containsExactly("evt-1", "evt-2", "evt-3", "evt-1", "evt-2", "evt-3");
    }

    @Test
    void keysWrittenAtACheckpointAndKeysHeldSinceAreForgottenTogether() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        snapshot();
        send("evt-2", "2026-11-01T10:00:00Z");
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:00:00Z");

        assertThat(outputIds()).containsExactly("evt-1", "evt-2");
        watermark("2026-11-01T10:59:59.999Z");
        assertThat(remembered()).isEqualTo(2);
        watermark("2026-11-01T11:00:00Z");
        assertForgotten();
    }

    @Test
    void aSavepointOfOneLayoutRestoresIntoTheOtherAndBack() throws Exception {
        harness.close();
        harness = harnessFor(oneBucket(SAME_FIRST_HALF), null);
        // colliding slots too: in the RocksDB layout the second and third key live at other slots
        for (String id : List.of("evt-1", "evt-2", "evt-3")) {
            send(reading(id).at("2026-11-01T10:00:00Z").build());
        }
        send(reading("evt-4").at("2026-11-01T10:40:00Z").build());
        OperatorSubtaskState mine = savepoint();
        harness.close();

        harness = harnessFor(oneBucket(SAME_FIRST_HALF), mine, otherBackend());
        assertThat(remembered()).as("every key moved into the other layout").isEqualTo(4);
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-4").at("2026-11-01T10:40:00Z").build());
        assertThat(outputIds()).as("still duplicates after the move").isEmpty();
        OperatorSubtaskState theirs = savepoint();
        harness.close();

        harness = harnessFor(oneBucket(SAME_FIRST_HALF), theirs);
        assertThat(remembered()).as("and back").isEqualTo(4);
        send(reading("evt-3").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-5").at("2026-11-01T10:00:00Z").build());
        assertThat(outputIds()).containsExactly("evt-5");
        watermark("2026-11-01T11:00:00Z");
        assertThat(remembered())
                .as("evt-4 is due at 11:45, with its expiry time kept")
                .isEqualTo(1);
        watermark("2026-11-01T11:45:00Z");
        assertForgotten();
    }

    @Test
    void theRetentionMustBePositive() {
        assertThatThrownBy(() -> new DedupeOperator(5, new EventTime(SensorRows.TIMESTAMP, 3), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retention");
    }

    @Test
    void eachBucketsExpiryListsLiveUnderTheFirstBucketOfItsKeyGroup() {
        Integer[] representative = DedupeOperator.representatives(MAX_PARALLELISM);

        assertThat(new java.util.HashSet<>(List.of(representative))).hasSize(MAX_PARALLELISM);
        for (int bucket = 0; bucket < DedupeOperator.BUCKETS; bucket++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(bucket, MAX_PARALLELISM);
            assertThat(
                            KeyGroupRangeAssignment.assignToKeyGroup(
                                    representative[bucket], MAX_PARALLELISM))
                    .isEqualTo(group);
            assertThat(representative[bucket]).isLessThanOrEqualTo(bucket);
            for (int before = 0; before < representative[bucket]; before++) {
                assertThat(KeyGroupRangeAssignment.assignToKeyGroup(before, MAX_PARALLELISM))
                        .isNotEqualTo(group);
            }
        }
    }

    @Test
    void afterRescalingEachSubtaskStillKnowsAndForgetsItsKeys() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("evt-" + i);
            send(ids.get(i), i < 100 ? "2026-11-01T10:00:00Z" : "2026-11-01T10:40:00Z");
        }
        OperatorSubtaskState snapshot = snapshot();
        harness.close();

        long remembered = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState share =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, MAX_PARALLELISM, 1, 2, subtask);
            harness = harnessFor(KEY::fingerprint, share, null, 2, subtask);
            long mine = remembered();
            remembered += mine;
            // every key this subtask owns is still a duplicate; the others are not its business
            for (String id : ids) {
                if (owns(subtask, id)) {
                    send(id, "2026-11-01T10:00:00Z");
                }
            }
            assertThat(harness.extractOutputValues())
                    .as("subtask %d lets no known key through", subtask)
                    .isEmpty();
            watermark("2026-11-01T11:00:00Z");
            assertThat(remembered())
                    .as("subtask %d forgets the 10:00 keys", subtask)
                    .isLessThan(mine);
            watermark("2026-11-01T11:45:00Z");
            assertForgotten();
            harness.close();
        }
        assertThat(remembered).as("every key went to exactly one subtask").isEqualTo(200);
        harness = newHarness();
    }

    /** Whether subtask {@code subtask} of two owns the key group of {@code id}'s bucket. */
    private static boolean owns(int subtask, String id) {
        int group = KeyGroupRangeAssignment.assignToKeyGroup(bucketOf(id), MAX_PARALLELISM);
        return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(MAX_PARALLELISM, 2, group)
                == subtask;
    }

    private static int bucketOf(String id) {
        long[] print = new long[2];
        KEY.fingerprint(reading(id).build(), print);
        return DedupeOperator.bucketOf(print[1]);
    }

    static int keyGroupsOf(String... ids) {
        java.util.Set<Integer> groups = new java.util.HashSet<>();
        for (String id : ids) {
            groups.add(KeyGroupRangeAssignment.assignToKeyGroup(bucketOf(id), MAX_PARALLELISM));
        }
        return groups.size();
    }

    /** Every key's fingerprint with the same first half: their slots collide. */
    static final Printer SAME_FIRST_HALF =
            (row, into) -> {
                KEY.fingerprint(row, into);
                into[0] = 7L;
            };

    /** Every key in bucket 0 (second half's low bits cleared), the rest of the fingerprint kept. */
    static Printer oneBucket(Printer fingerprint) {
        return (row, into) -> {
            fingerprint.print(row, into);
            into[1] &= -DedupeOperator.BUCKETS;
        };
    }
}
