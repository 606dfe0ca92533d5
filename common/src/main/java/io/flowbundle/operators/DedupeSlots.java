package io.flowbundle.operators;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalValueState;

/**
 * The RocksDB layout: a key is one keyed state entry under its bucket, whose namespace is its slot
 * (the next free slot after a collision) and whose value is the fingerprint's second half. One
 * entry per key, not a map per bucket, so a key costs one {@code put} and its removal one {@code
 * delete}.
 *
 * <p>Keys first seen since the last checkpoint are held in memory ({@link ExpiringKeys}) and
 * written at the next checkpoint (or once {@code maxHeldKeys} are held): a key that expires before
 * then, as most do when a backlog or a replay is read far faster than real time, never costs a
 * state write, and the others are written together. Lookups ask the held keys first, then the
 * state, behind a {@link SlotFilter} that says which slots may be in use there, so most new keys
 * cost no read.
 *
 * <p>The slots expiring at one time are listed per key group (under the group's first bucket, its
 * representative), so a list gathers many keys and is written once per checkpoint. There are no
 * timers: which groups have lists due at which time is kept in memory (rebuilt from state on
 * restore) and, when a watermark passes an expiry time, those lists and their keys are cleared.
 */
final class DedupeSlots implements DedupeState {

    static final String SEEN = DedupeLayout.PREFIX + "seen";
    static final String EXPIRING = DedupeLayout.PREFIX + "expiring";

    /**
     * 4 MB of filter per subtask: selective (under 1% false maybes) up to about 200,000 keys held
     * by a subtask, still correct, only slower, beyond.
     */
    static final int FILTER_LOG2_COUNTERS = 22;

    private final KeyedStateBackend<Integer> backend;
    private final int maxHeldKeys;

    /** Per bucket and slot (the namespace): the second half of the fingerprint kept there. */
    private final InternalValueState<Integer, Long, Long> seen;

    /**
     * Per key group's representative bucket and expiry time (the namespace): the slots due then.
     */
    private final InternalListState<Integer, Long, Long> expiring;

    /**
     * Per bucket, the first bucket of its key group, under which the group's expiry lists are kept.
     */
    private final Integer[] representative;

    /** The slots in use in the state, as far as a Bloom filter can tell (rebuilt on restore). */
    private final SlotFilter inUse;

    /** Keys first seen since the last checkpoint: not in the state yet. */
    private final ExpiringKeys held = new ExpiringKeys();

    /** Per expiry time, the representative buckets of the groups with a list due then in state. */
    private final NavigableMap<Long, BitSet> due = new TreeMap<>();

    DedupeSlots(KeyedStateBackend<Integer> backend, int maxParallelism, int maxHeldKeys)
            throws Exception {
        this.backend = backend;
        this.maxHeldKeys = maxHeldKeys;
        this.seen = seen(backend, SEEN);
        this.expiring = expiring(backend, EXPIRING);
        this.representative = DedupeOperator.representatives(maxParallelism);
        try (var restored = backend.<Long>getKeysAndNamespaces(EXPIRING)) {
            restored.forEach(
                    entry -> due.computeIfAbsent(entry.f1, unused -> new BitSet()).set(entry.f0));
        }
        this.inUse = new SlotFilter(FILTER_LOG2_COUNTERS);
        try (var restored = backend.<Long>getKeysAndNamespaces(SEEN)) {
            restored.forEach(entry -> inUse.add(entry.f1));
        }
        // a savepoint taken on the heap: its tables move into this layout
        DedupeTables.drain(backend, DedupeTables.TABLES, this::remember);
    }

    @SuppressWarnings("unchecked")
    private static InternalValueState<Integer, Long, Long> seen(
            KeyedStateBackend<Integer> backend, String name) throws Exception {
        return (InternalValueState<Integer, Long, Long>)
                backend.getOrCreateKeyedState(
                        LongSerializer.INSTANCE, new ValueStateDescriptor<>(name, Types.LONG));
    }

    @SuppressWarnings("unchecked")
    private static InternalListState<Integer, Long, Long> expiring(
            KeyedStateBackend<Integer> backend, String name) throws Exception {
        return (InternalListState<Integer, Long, Long>)
                backend.getOrCreateKeyedState(
                        LongSerializer.INSTANCE, new ListStateDescriptor<>(name, Types.LONG));
    }

    @Override
    public boolean remember(long slot, long low, long expiry) throws Exception {
        while (true) {
            int place = held.find(slot, low);
            if (place == ExpiringKeys.FOUND) {
                return false;
            }
            if (place != ExpiringKeys.TAKEN) {
                // free in memory; in the state too, unless the filter says it may be taken
                Long other = null;
                if (inUse.mightContain(slot)) {
                    seen.setCurrentNamespace(slot);
                    other = seen.value();
                }
                if (other == null) {
                    held.insert(place, slot, low, expiry);
                    if (held.size() >= maxHeldKeys) {
                        writeHeld();
                    }
                    return true;
                }
                if (other == low) {
                    return false;
                }
            }
            slot = DedupeOperator.nextSlot(slot);
        }
    }

    @Override
    public void expire(long watermark) throws Exception {
        held.expire(watermark);
        Iterator<Map.Entry<Long, BitSet>> expired =
                due.headMap(watermark, true).entrySet().iterator();
        while (expired.hasNext()) {
            Map.Entry<Long, BitSet> entry = expired.next();
            BitSet groups = entry.getValue();
            for (int group = groups.nextSetBit(0);
                    group >= 0;
                    group = groups.nextSetBit(group + 1)) {
                backend.setCurrentKey(DedupeOperator.bucketKey(group));
                expiring.setCurrentNamespace(entry.getKey());
                Iterable<Long> slots = expiring.get();
                expiring.clear();
                if (slots != null) {
                    for (Long slot : slots) {
                        forget(slot);
                    }
                }
            }
            expired.remove();
        }
    }

    private void forget(long slot) throws Exception {
        backend.setCurrentKey(DedupeOperator.bucketKey(DedupeOperator.bucketOf(slot)));
        seen.setCurrentNamespace(slot);
        seen.clear();
        inUse.remove(slot);
    }

    @Override
    public void beforeSnapshot() throws Exception {
        writeHeld();
    }

    /**
     * Writes the held keys to the state, and each key group's new expiry lists with one append
     * each.
     */
    private void writeHeld() throws Exception {
        Map<Long, Map<Integer, Slots>> lists = new TreeMap<>();
        held.forEach(
                (slot, low, expiry) -> {
                    Integer bucket = DedupeOperator.bucketKey(DedupeOperator.bucketOf(slot));
                    backend.setCurrentKey(bucket);
                    seen.setCurrentNamespace(slot);
                    seen.update(low);
                    inUse.add(slot);
                    lists.computeIfAbsent(expiry, unused -> new HashMap<>())
                            .computeIfAbsent(representative[bucket], unused -> new Slots())
                            .add(slot);
                });
        held.clear();
        for (Map.Entry<Long, Map<Integer, Slots>> slice : lists.entrySet()) {
            BitSet groups = due.computeIfAbsent(slice.getKey(), unused -> new BitSet());
            for (Map.Entry<Integer, Slots> list : slice.getValue().entrySet()) {
                backend.setCurrentKey(list.getKey());
                expiring.setCurrentNamespace(slice.getKey());
                expiring.addAll(list.getValue().boxed());
                groups.set(list.getKey());
            }
        }
    }

    @Override
    public long keys() {
        try (var keys = backend.<Long>getKeysAndNamespaces(SEEN)) {
            return keys.count() + held.size();
        }
    }

    /** Keys held in memory, not in the state yet (for tests). */
    int heldKeys() {
        return held.size();
    }

    /** Expiry lists (key group, expiry time) in state (for tests). */
    long expiryLists() {
        try (var lists = backend.<Long>getKeysAndNamespaces(EXPIRING)) {
            return lists.count();
        }
    }

    /**
     * Moves the keys of a savepoint taken on RocksDB, stored under {@code seenName} and {@code
     * expiringName}, into {@code into} (the heap layout) and deletes them from the keyed state. A
     * savepoint holds every key in an expiry list (held keys are written before each snapshot).
     */
    static void drain(
            KeyedStateBackend<Integer> backend,
            String seenName,
            String expiringName,
            KeyConsumer into)
            throws Exception {
        List<Tuple2<Integer, Long>> lists;
        try (var restored = backend.<Long>getKeysAndNamespaces(expiringName)) {
            lists = restored.toList();
        }
        if (lists.isEmpty()) {
            return;
        }
        InternalValueState<Integer, Long, Long> seen = seen(backend, seenName);
        InternalListState<Integer, Long, Long> expiring = expiring(backend, expiringName);
        for (var list : lists) {
            backend.setCurrentKey(list.f0);
            expiring.setCurrentNamespace(list.f1);
            List<Long> slots = new ArrayList<>();
            Iterable<Long> listed = expiring.get();
            if (listed != null) {
                listed.forEach(slots::add);
            }
            expiring.clear();
            for (long slot : slots) {
                backend.setCurrentKey(DedupeOperator.bucketKey(DedupeOperator.bucketOf(slot)));
                seen.setCurrentNamespace(slot);
                Long low = seen.value();
                if (low != null) {
                    seen.clear();
                    into.accept(slot, low, list.f1);
                }
            }
        }
    }

    /** A growable list of slots. */
    private static final class Slots {
        long[] values = new long[8];
        int size;

        void add(long slot) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = slot;
        }

        List<Long> boxed() {
            return new AbstractList<>() {
                @Override
                public Long get(int index) {
                    return values[index];
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }
}
