package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/** The dedupe operator on the heap backend: a table per key group ({@link DedupeTables}). */
class DedupeOperatorHeapTest extends DedupeOperatorTest {

    @Override
    StateBackend backend() {
        return new HashMapStateBackend();
    }

    @Override
    StateBackend otherBackend() {
        return new EmbeddedRocksDBStateBackend();
    }

    @Override
    void assertStateIsEmpty() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    }

    @Test
    void theTablesAreOneStateEntryPerKeyGroupWrittenAtCheckpoints() throws Exception {
        assertThat(operator.state()).isInstanceOf(DedupeTables.class);
        for (int i = 0; i < 2_000; i++) {
            send(reading("evt-" + i).at("2026-11-01T10:00:0" + (1 + i % 9) + "Z").build());
        }

        assertThat(remembered()).isEqualTo(2_000);
        assertThat(harness.numKeyedStateEntries()).as("in memory until a checkpoint").isZero();
        snapshot();
        assertThat(harness.numKeyedStateEntries())
                .as("2,000 keys over all 128 key groups: an entry per group")
                .isEqualTo(MAX_PARALLELISM);
        assertThat(harness.numEventTimeTimers()).isZero();

        watermark("2026-11-01T11:07:29.999Z");
        assertThat(remembered()).isEqualTo(2_000);
        watermark("2026-11-01T11:07:30Z");
        assertThat(remembered()).isZero();
        assertThat(harness.numKeyedStateEntries())
                .as("cleared at the next checkpoint")
                .isEqualTo(MAX_PARALLELISM);
        assertForgotten();
    }
}
