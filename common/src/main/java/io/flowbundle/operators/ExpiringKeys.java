package io.flowbundle.operators;

/**
 * The dedupe keys of one key group with their expiry times, in one open-addressing {@code long[]}:
 * three longs a key (its slot, the fingerprint's second half, the expiry time) and no objects, so a
 * lookup costs one or two cache lines instead of the chain of objects a heap state entry is.
 *
 * <p>Linear probing from the slot's bits above the bucket (random: they come from the fingerprint).
 * Removing a key shifts the later keys of its run back into the gap, so there are no tombstones and
 * probes stay short however many keys expire. Keys are removed by {@link #expire}, one sequential
 * pass over the table per expiry time reached. A table is at most half full; when a pass leaves it
 * under a sixteenth full it shrinks to between a sixteenth and an eighth full, not to fit its keys
 * tightly: one whose keys swing with the input's density is not rebuilt at every swing.
 */
final class ExpiringKeys {

    /** Three longs per key: slot, low half, expiry. */
    private static final int WIDTH = 3;

    /** The expiry time of a free place; {@link #add} takes no key with this expiry. */
    static final long FREE = Long.MIN_VALUE;

    private static final int MIN_CAPACITY = 64;

    /** The most places a table may have: {@code 3 * capacity} longs must fit in one array. */
    private static final int MAX_CAPACITY = 1 << 29;

    /** {@link #find}: the key is held. */
    static final int FOUND = -1;

    /** {@link #find}: another key holds the slot. */
    static final int TAKEN = -2;

    private long[] table;
    private int mask;
    private int size;

    /**
     * The earliest expiry time held (a lower bound until the next {@link #expire}); MAX_VALUE when
     * empty.
     */
    private long nextExpiry = Long.MAX_VALUE;

    ExpiringKeys() {
        allocate(MIN_CAPACITY);
    }

    /**
     * Remembers the key unless it is there; returns whether it was new. A slot holds one key: if
     * another key holds it, the key goes to the next free slot of {@link DedupeOperator#nextSlot}'s
     * sequence, as in {@link DedupeSlots}, so both layouts put every key at the same slot.
     */
    boolean add(long slot, long low, long expiry) {
        while (true) {
            int place = find(slot, low);
            if (place == FOUND) {
                return false;
            }
            if (place != TAKEN) {
                insert(place, slot, low, expiry);
                return true;
            }
            slot = DedupeOperator.nextSlot(slot);
        }
    }

    /**
     * {@link #FOUND} if the key is held at this slot, {@link #TAKEN} if another key holds it, else
     * the free place where the slot's key goes (for {@link #insert}, until the table changes).
     */
    int find(long slot, long low) {
        int place = home(slot);
        while (table[place * WIDTH + 2] != FREE) {
            int at = place * WIDTH;
            if (table[at] == slot) {
                return table[at + 1] == low ? FOUND : TAKEN;
            }
            place = (place + 1) & mask;
        }
        return place;
    }

    /**
     * Puts a key at the place {@link #find} gave for its slot, with no change to the table since.
     */
    void insert(int place, long slot, long low, long expiry) {
        if (expiry == FREE) {
            throw new IllegalArgumentException("expiry time " + FREE + " marks a free place");
        }
        if ((size + 1) * 2 > capacity()) {
            resize(capacity() * 2);
            place = freePlaceFor(slot);
        }
        put(place, slot, low, expiry);
        size++;
        nextExpiry = Math.min(nextExpiry, expiry);
    }

    /** Hands every key to {@code to}, in no particular order. */
    void forEach(DedupeState.KeyConsumer to) throws Exception {
        for (int at = 0; at < table.length; at += WIDTH) {
            if (table[at + 2] != FREE) {
                to.accept(table[at], table[at + 1], table[at + 2]);
            }
        }
    }

    /** Forgets every key, keeping the capacity (the next keys will likely need as much). */
    void clear() {
        if (size > 0) {
            markFree();
        }
        size = 0;
        nextExpiry = Long.MAX_VALUE;
    }

    /** Forgets every key whose expiry time is at or before {@code time}; returns how many. */
    int expire(long time) {
        if (nextExpiry > time) {
            return 0;
        }
        int before = size;
        long next = Long.MAX_VALUE;
        // start right after a free place: no run of keys wraps around the start of the pass, and a
        // removal only moves keys the pass has not reached yet into the place it is at
        int place = freePlace();
        for (int visited = 0; visited < capacity(); visited++) {
            place = (place + 1) & mask;
            long expiry;
            while ((expiry = table[place * WIDTH + 2]) != FREE && expiry <= time) {
                remove(place);
            }
            if (expiry != FREE) {
                next = Math.min(next, expiry);
            }
        }
        nextExpiry = next;
        if (capacity() > MIN_CAPACITY && size * 16 < capacity()) {
            // loosely: to between a sixteenth and an eighth full, so it takes four to eight times
            // the keys to grow it again
            int fit = capacity();
            while (fit / 2 >= MIN_CAPACITY && size * 8 <= fit / 2) {
                fit /= 2;
            }
            resize(fit);
        }
        return before - size;
    }

    int size() {
        return size;
    }

    /** The earliest expiry time held, or {@code Long.MAX_VALUE} when empty. */
    long nextExpiry() {
        return nextExpiry;
    }

    /** The keys as (slot, low, expiry) triples, one after the other: what a checkpoint stores. */
    long[] toArray() {
        long[] keys = new long[size * WIDTH];
        int to = 0;
        for (int at = 0; at < table.length; at += WIDTH) {
            if (table[at + 2] != FREE) {
                System.arraycopy(table, at, keys, to, WIDTH);
                to += WIDTH;
            }
        }
        return keys;
    }

    /** Adds the keys of {@link #toArray()}'s form. */
    void addAll(long[] keys) {
        if (keys.length % WIDTH != 0) {
            throw new IllegalArgumentException(
                    "not a list of (slot, low, expiry) triples: " + keys.length + " longs");
        }
        for (int at = 0; at < keys.length; at += WIDTH) {
            add(keys[at], keys[at + 1], keys[at + 2]);
        }
    }

    /** Where a slot's probe starts: its bits above the bucket. */
    private int home(long slot) {
        return (int) (slot >>> 12) & mask;
    }

    private int capacity() {
        return mask + 1;
    }

    private void put(int place, long slot, long low, long expiry) {
        int at = place * WIDTH;
        table[at] = slot;
        table[at + 1] = low;
        table[at + 2] = expiry;
    }

    private int freePlaceFor(long slot) {
        int place = home(slot);
        while (table[place * WIDTH + 2] != FREE) {
            place = (place + 1) & mask;
        }
        return place;
    }

    private int freePlace() {
        int place = 0;
        while (table[place * WIDTH + 2] != FREE) {
            place++;
        }
        return place;
    }

    /** Empties a place, moving later keys of its run back so that every key stays reachable. */
    private void remove(int place) {
        int gap = place;
        int next = place;
        while (true) {
            next = (next + 1) & mask;
            int at = next * WIDTH;
            if (table[at + 2] == FREE) {
                break;
            }
            // a key may fill the gap if its probe starts at or before the gap (cyclically)
            int distanceToKey = (next - home(table[at])) & mask;
            int distanceToGap = (next - gap) & mask;
            if (distanceToKey >= distanceToGap) {
                System.arraycopy(table, at, table, gap * WIDTH, WIDTH);
                gap = next;
            }
        }
        table[gap * WIDTH + 2] = FREE;
        size--;
    }

    private void resize(int capacity) {
        if (capacity > MAX_CAPACITY) {
            throw new IllegalStateException(
                    "over "
                            + MAX_CAPACITY / 2
                            + " dedupe keys in one key group: raise the"
                            + " job's max parallelism (more key groups) or use the RocksDB state backend");
        }
        long[] old = table;
        allocate(capacity);
        for (int at = 0; at < old.length; at += WIDTH) {
            if (old[at + 2] != FREE) {
                put(freePlaceFor(old[at]), old[at], old[at + 1], old[at + 2]);
            }
        }
    }

    private void allocate(int capacity) {
        table = new long[capacity * WIDTH];
        mask = capacity - 1;
        markFree();
    }

    private void markFree() {
        for (int at = 2; at < table.length; at += WIDTH) {
            table[at] = FREE;
        }
    }

    @Override
    public String toString() {
        return "ExpiringKeys{size="
                + size
                + ", capacity="
                + capacity()
                + ", nextExpiry="
                + nextExpiry
                + "}";
    }
}
