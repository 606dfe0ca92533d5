package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * The dedupe operator on RocksDB: keys as state entries, expiry lists per key group ({@link
 * DedupeSlots}).
 */
class DedupeOperatorRocksDbTest extends DedupeOperatorTest {

    @Override
    StateBackend backend() {
        return new EmbeddedRocksDBStateBackend();
    }

    @Override
    StateBackend otherBackend() {
        return new HashMapStateBackend();
    }

    @Override
    void assertStateIsEmpty() throws Exception {
        assertThat(slots().keys()).as("key entries").isZero();
        assertThat(slots().expiryLists()).as("expiry lists").isZero();
    }

    private DedupeSlots slots() {
        return (DedupeSlots) operator.state();
    }

    @Test
    void keysExpiringInTheSameSliceShareOneExpiryListPerKeyGroupAndNoTimer() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            send(reading("evt-" + i).at("2026-11-01T10:00:0" + (1 + i % 9) + "Z").build());
        }

        assertThat(remembered()).isEqualTo(2_000);
        assertThat(slots().expiryLists())
                .as("appends are held in memory until a checkpoint")
                .isZero();
        snapshot();
        assertThat(slots().expiryLists())
                .as("2,000 keys over all 128 key groups: a list per group")
                .isEqualTo(MAX_PARALLELISM);
        assertThat(harness.numEventTimeTimers()).isZero();

        watermark("2026-11-01T11:07:29.999Z");
        assertThat(remembered()).isEqualTo(2_000);
        watermark("2026-11-01T11:07:30Z");
        assertForgotten();
    }

    @Test
    void expiryListsAreWrittenAtCheckpointsAndClearedWhenDue() throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:40:00Z");
        OperatorSubtaskState snapshot = snapshot();
        harness.close();

        harness = harnessFor(KEY::fingerprint, snapshot);
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-3", "2026-11-01T10:00:00Z");
        assertThat(outputIds()).containsExactly("evt-3");
        assertThat(remembered()).isEqualTo(3);
        snapshot();
        assertThat(slots().expiryLists())
                .as("the key groups of evt-1 and evt-3 due at 11:00, of evt-2 at 11:45")
                .isEqualTo(keyGroupsOf("evt-1", "evt-3") + 1);

        watermark("2026-11-01T11:00:00Z");
        assertThat(remembered()).as("evt-2 is due at 11:45").isEqualTo(1);
        watermark("2026-11-01T11:45:00Z");
        assertForgotten();
    }

    @Test
    void newKeysStayInMemoryUntilACheckpointAndThoseThatExpireFirstAreNeverWritten()
            throws Exception {
        send("evt-1", "2026-11-01T10:00:00Z");
        send("evt-2", "2026-11-01T10:40:00Z");
        assertThat(slots().heldKeys()).isEqualTo(2);

        watermark("2026-11-01T11:00:00Z");
        assertThat(slots().heldKeys()).as("evt-1 expired in memory").isEqualTo(1);
        send("evt-2", "2026-11-01T10:40:00Z");
        assertThat(outputIds())
                .as("a held key is a duplicate like any")
                .containsExactly("evt-1", "evt-2");
        assertThat(slots().expiryLists()).isZero();
        snapshot();
        assertThat(slots().heldKeys()).isZero();
        assertThat(slots().keys()).as("only evt-2 was written").isEqualTo(1);
        assertThat(slots().expiryLists()).isEqualTo(1);
        watermark("2026-11-01T11:45:00Z");
        assertForgotten();
    }

    @Test
    void aHeldKeyAndAKeyInStateThatShareASlotAreToldApart() throws Exception {
        harness.close();
        harness = harnessFor(oneBucket(SAME_FIRST_HALF), null);
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        snapshot();
        send(reading("evt-2").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-1").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-2").at("2026-11-01T10:00:00Z").build());
        assertThat(slots().heldKeys()).as("evt-2, at the slot after evt-1's").isEqualTo(1);
        OperatorSubtaskState snapshot = snapshot();
        harness.close();

        harness = harnessFor(oneBucket(SAME_FIRST_HALF), snapshot);
        send(reading("evt-2").at("2026-11-01T10:00:00Z").build());
        send(reading("evt-3").at("2026-11-01T10:00:00Z").build());
        assertThat(outputIds()).containsExactly("evt-3");
        assertThat(remembered()).isEqualTo(3);
        watermark("2026-11-01T11:00:00Z");
        assertForgotten();
    }

    @Test
    void heldKeysAreWrittenOnceTheLimitIsReachedCheckpointOrNot() throws Exception {
        harness.close();
        maxHeldKeys = 10;
        harness = newHarness();
        for (int i = 0; i < 25; i++) {
            send("evt-" + i, "2026-11-01T10:00:00Z");
        }

        assertThat(slots().heldKeys())
                .as("two writes of ten held keys, no checkpoint")
                .isEqualTo(5);
        assertThat(slots().expiryLists()).isPositive();
        OperatorSubtaskState snapshot = snapshot();
        harness.close();
        harness = harnessFor(KEY::fingerprint, snapshot);
        send("evt-3", "2026-11-01T10:00:00Z");
        send("evt-24", "2026-11-01T10:00:00Z");
        assertThat(outputIds()).as("written and held keys alike survive the restore").isEmpty();
        assertThat(remembered()).isEqualTo(25);
        watermark("2026-11-01T11:00:00Z");
        assertForgotten();
    }
}
