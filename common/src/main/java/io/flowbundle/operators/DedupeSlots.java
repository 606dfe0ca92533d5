package io.flowbundle.operators;

import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalValueState;

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

/**
 * The RocksDB layout: a key is one keyed state entry under its bucket, whose namespace is its slot
 * (the next free slot after a collision) and whose value is the fingerprint's second half. One entry
 * per key, not a map per bucket, so a key costs one {@code put} and its removal one {@code delete}.
 * A {@link SlotFilter} in memory says which slots may be in use, so most new keys are stored without
 * a read first.
 *
 * <p>The slots expiring at one time are listed per key group (under the group's first bucket, its
 * representative), so a list gathers many keys. A key's append is held in memory and written with
 * the others of its list at the next checkpoint (or once {@code maxPendingSlots} are held), so it
 * costs no state write of its own. There are no timers: which groups have lists due at which time
 * is kept in memory (rebuilt from state on restore) and, when a watermark passes an expiry time,
 * those lists, the appends held for them and their keys are cleared.
 */
final class DedupeSlots implements DedupeState {

    static final String SEEN = "dedupe-seen";
    static final String EXPIRING = "dedupe-expiring";

    /**
     * 4 MB of filter per subtask: selective (under 1% false maybes) up to about 200,000 keys held by
     * a subtask, still correct, only slower, beyond.
     */
    static final int FILTER_LOG2_COUNTERS = 22;

    private final KeyedStateBackend<Integer> backend;
    private final int maxPendingSlots;
    /** Per bucket and slot (the namespace): the second half of the fingerprint kept there. */
    private final InternalValueState<Integer, Long, Long> seen;
    /** Per key group's representative bucket and expiry time (the namespace): the slots due then. */
    private final InternalListState<Integer, Long, Long> expiring;
    /** Per bucket, the first bucket of its key group, under which the group's expiry lists are kept. */
    private final Integer[] representative;
    /** The slots in use in this subtask's state, as far as a Bloom filter can tell (rebuilt on restore). */
    private final SlotFilter inUse;
    /**
     * Per expiry time, the groups with a list due then in state (the index of {@code expiring}) and
     * the appends to those lists not written yet.
     */
    private final NavigableMap<Long, Slice> due = new TreeMap<>();
    /** The last slice a key went to: most keys share one. */
    private long lastExpiry;
    private Slice lastSlice;
    /** Slots held in memory, not yet in an expiry list in state. */
    private int pendingSlots;

    DedupeSlots(KeyedStateBackend<Integer> backend, int maxParallelism, int maxPendingSlots) throws Exception {
        this.backend = backend;
        this.maxPendingSlots = maxPendingSlots;
        this.seen = seen(backend);
        this.expiring = expiring(backend);
        this.representative = DedupeOperator.representatives(maxParallelism);
        try (var restored = backend.<Long>getKeysAndNamespaces(EXPIRING)) {
            restored.forEach(entry -> slice(entry.f1).written.set(entry.f0));
        }
        this.inUse = new SlotFilter(FILTER_LOG2_COUNTERS);
        try (var restored = backend.<Long>getKeysAndNamespaces(SEEN)) {
            restored.forEach(entry -> inUse.add(entry.f1));
        }
        // a savepoint taken on the heap: its tables move into this layout
        DedupeTables.drain(backend, this::remember);
    }

    @SuppressWarnings("unchecked")
    private static InternalValueState<Integer, Long, Long> seen(KeyedStateBackend<Integer> backend) throws Exception {
        return (InternalValueState<Integer, Long, Long>)
                backend.getOrCreateKeyedState(LongSerializer.INSTANCE, new ValueStateDescriptor<>(SEEN, Types.LONG));
    }

    @SuppressWarnings("unchecked")
    private static InternalListState<Integer, Long, Long> expiring(KeyedStateBackend<Integer> backend)
            throws Exception {
        return (InternalListState<Integer, Long, Long>)
                backend.getOrCreateKeyedState(LongSerializer.INSTANCE, new ListStateDescriptor<>(EXPIRING, Types.LONG));
    }

    @Override
    public boolean remember(long slot, long low, long expiry) throws Exception {
        // a slot the filter has never seen is free: a new key costs no state lookup
        while (inUse.mightContain(slot)) {
            seen.setCurrentNamespace(slot);
            Long other = seen.value();
            if (other == null) {
                break;
            }
            if (other == low) {
                return false;
            }
            slot = DedupeOperator.nextSlot(slot);
        }
        seen.setCurrentNamespace(slot);
        seen.update(low);
        inUse.add(slot);
        slice(expiry).pending(representative[DedupeOperator.bucketOf(slot)]).add(slot);
        if (++pendingSlots >= maxPendingSlots) {
            writePending();
        }
        return true;
    }

    @Override
    public void expire(long watermark) throws Exception {
        Iterator<Map.Entry<Long, Slice>> expired = due.headMap(watermark, true).entrySet().iterator();
        while (expired.hasNext()) {
            Map.Entry<Long, Slice> entry = expired.next();
            Slice slice = entry.getValue();
            BitSet written = slice.written;
            for (int group = written.nextSetBit(0); group >= 0; group = written.nextSetBit(group + 1)) {
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
            for (Slots slots : slice.pending.values()) {
                for (int i = 0; i < slots.size; i++) {
                    forget(slots.values[i]);
                }
                pendingSlots -= slots.size;
            }
            if (slice == lastSlice) {
                lastSlice = null;
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
        writePending();
    }

    /** Writes the expiry-list appends held in memory to the keyed state. */
    private void writePending() throws Exception {
        for (Map.Entry<Long, Slice> entry : due.entrySet()) {
            Slice slice = entry.getValue();
            for (Map.Entry<Integer, Slots> list : slice.pending.entrySet()) {
                backend.setCurrentKey(list.getKey());
                expiring.setCurrentNamespace(entry.getKey());
                expiring.addAll(list.getValue().boxed());
                slice.written.set(list.getKey());
            }
            slice.pending.clear();
        }
        pendingSlots = 0;
    }

    /** The slice of keys expiring at {@code expiry}, created if new. */
    private Slice slice(long expiry) {
        if (lastSlice == null || expiry != lastExpiry) {
            lastSlice = due.computeIfAbsent(expiry, unused -> new Slice());
            lastExpiry = expiry;
        }
        return lastSlice;
    }

    @Override
    public long keys() {
        try (var keys = backend.<Long>getKeysAndNamespaces(SEEN)) {
            return keys.count();
        }
    }

    /** Expiry lists (key group, expiry time) in state (for tests). */
    long expiryLists() {
        try (var lists = backend.<Long>getKeysAndNamespaces(EXPIRING)) {
            return lists.count();
        }
    }

    /**
     * Moves the keys of a savepoint taken on RocksDB into {@code into} (the heap layout) and deletes
     * them from the keyed state. A savepoint holds every key in an expiry list (held appends are
     * written before each snapshot); a key moved to another slot by a collision keeps that slot.
     */
    static void drain(KeyedStateBackend<Integer> backend, int maxParallelism, KeyConsumer into) throws Exception {
        List<Tuple2<Integer, Long>> lists;
        try (var restored = backend.<Long>getKeysAndNamespaces(EXPIRING)) {
            lists = restored.toList();
        }
        if (lists.isEmpty()) {
            return;
        }
        InternalValueState<Integer, Long, Long> seen = seen(backend);
        InternalListState<Integer, Long, Long> expiring = expiring(backend);
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

    /** The keys expiring at one time: groups with a list of them in state, appends not yet written. */
    private static final class Slice {
        final BitSet written = new BitSet();
        final Map<Integer, Slots> pending = new HashMap<>();

        Slots pending(Integer group) {
            Slots slots = pending.get(group);
            if (slots == null) {
                slots = new Slots();
                pending.put(group, slots);
            }
            return slots;
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
