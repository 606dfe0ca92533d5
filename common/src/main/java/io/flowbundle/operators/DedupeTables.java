package io.flowbundle.operators;

import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

/**
 * The heap layout: per key group, an {@link ExpiringKeys} table in memory, which a lookup reaches
 * in a cache line or two and a watermark cleans in one sequential pass per expiry time. At each
 * checkpoint the tables changed since the last one are written to keyed state as one {@code long[]}
 * per key group (under the group's first bucket), so they rescale like any keyed state and the heap
 * backend's snapshot holds them.
 *
 * <p>Why not keyed state entries: on the heap backend each entry is a chain of objects in a shared
 * hash table, and a lookup, an insert and the later removal cost a few cache misses each; the first
 * write after each checkpoint copies the entry too: a fifth of the streaming job's JFR samples
 * (docs/PERFORMANCE.md). Where the keys must live off the heap, RocksDB, {@link DedupeSlots} keeps
 * them in keyed state entries instead.
 */
final class DedupeTables implements DedupeState {

    static final String TABLES = DedupeLayout.PREFIX + "tables";

    private final KeyedStateBackend<Integer> backend;
    private final KeyGroupRange range;

    /** Per bucket, its key group. */
    private final int[] groupOf;

    /** Per key group (from the first of the range), the group's first bucket: its tables' key. */
    private final Integer[] firstBucket;

    private final ExpiringKeys[] tables;

    /** Groups whose table changed since the last checkpoint. */
    private final boolean[] changed;

    private final ValueState<long[]> stored;

    /** No key expires before this (MAX_VALUE: none held). */
    private long nextExpiry = Long.MAX_VALUE;

    DedupeTables(CheckpointableKeyedStateBackend<Integer> backend, int maxParallelism)
            throws Exception {
        this.backend = backend;
        this.range = backend.getKeyGroupRange();
        this.groupOf = DedupeOperator.keyGroups(maxParallelism);
        this.firstBucket = new Integer[range.getNumberOfKeyGroups()];
        for (int bucket = 0; bucket < DedupeOperator.BUCKETS; bucket++) {
            int index = groupOf[bucket] - range.getStartKeyGroup();
            if (range.contains(groupOf[bucket]) && firstBucket[index] == null) {
                firstBucket[index] = DedupeOperator.bucketKey(bucket);
            }
        }
        this.tables = new ExpiringKeys[firstBucket.length];
        this.changed = new boolean[firstBucket.length];
        this.stored =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(TABLES, LongPrimitiveArraySerializer.INSTANCE));
        for (int i = 0; i < firstBucket.length; i++) {
            if (firstBucket[i] == null) {
                continue; // a key group without buckets: only with more key groups than buckets
            }
            backend.setCurrentKey(firstBucket[i]);
            long[] keys = stored.value();
            if (keys != null) {
                table(i).addAll(keys);
                nextExpiry = Math.min(nextExpiry, tables[i].nextExpiry());
            }
        }
        // a savepoint taken on RocksDB: its keys move into the tables
        DedupeSlots.drain(backend, DedupeSlots.SEEN, DedupeSlots.EXPIRING, this::remember);
    }

    @Override
    public boolean remember(long slot, long low, long expiry) {
        int index = groupOf[DedupeOperator.bucketOf(slot)] - range.getStartKeyGroup();
        if (!table(index).add(slot, low, expiry)) {
            return false;
        }
        changed[index] = true;
        if (expiry < nextExpiry) {
            nextExpiry = expiry;
        }
        return true;
    }

    @Override
    public void expire(long watermark) {
        if (watermark < nextExpiry) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; i < tables.length; i++) {
            ExpiringKeys table = tables[i];
            if (table != null) {
                if (table.expire(watermark) > 0) {
                    changed[i] = true;
                }
                next = Math.min(next, table.nextExpiry());
            }
        }
        nextExpiry = next;
    }

    @Override
    public void beforeSnapshot() throws Exception {
        for (int i = 0; i < tables.length; i++) {
            if (changed[i]) {
                backend.setCurrentKey(firstBucket[i]);
                if (tables[i].size() == 0) {
                    stored.clear();
                } else {
                    stored.update(tables[i].toArray());
                }
                changed[i] = false;
            }
        }
    }

    @Override
    public long keys() {
        long keys = 0;
        for (ExpiringKeys table : tables) {
            keys += table == null ? 0 : table.size();
        }
        return keys;
    }

    private ExpiringKeys table(int index) {
        ExpiringKeys table = tables[index];
        if (table == null) {
            table = new ExpiringKeys();
            tables[index] = table;
        }
        return table;
    }

    /**
     * Moves the tables of a savepoint taken on the heap, stored under {@code name}, into {@code
     * into} (the RocksDB layout) and deletes them from the keyed state.
     */
    static void drain(KeyedStateBackend<Integer> backend, String name, KeyConsumer into)
            throws Exception {
        List<Integer> keys;
        try (var restored = backend.<VoidNamespace>getKeys(name, VoidNamespace.INSTANCE)) {
            keys = restored.toList();
        }
        if (keys.isEmpty()) {
            return;
        }
        ValueState<long[]> stored =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(name, LongPrimitiveArraySerializer.INSTANCE));
        for (Integer key : keys) {
            backend.setCurrentKey(key);
            long[] triples = stored.value();
            for (int at = 0; at + 2 < triples.length; at += 3) {
                backend.setCurrentKey(
                        DedupeOperator.bucketKey(DedupeOperator.bucketOf(triples[at])));
                into.accept(triples[at], triples[at + 1], triples[at + 2]);
            }
            backend.setCurrentKey(key);
            stored.clear();
        }
    }
}
