package io.flowbundle.operators;

/**
 * A set of 128-bit key fingerprints in one open-addressing {@code long[]} (16 bytes a key, no
 * objects): the memory behind a bounded run's dedupe, where every key of the input must be
 * remembered until the input ends. Two different keys share a fingerprint with probability about
 * {@code n² / 2^129}: below 10^-20 even for a billion keys. Not thread-safe. Public for the
 * benchmark's hand-fused floor engine, which dedupes with the same structure as the pipeline.
 */
public final class FingerprintSet {

    private static final int MIN_CAPACITY = 1 << 16;

    private long[] table = new long[2 * MIN_CAPACITY];
    private int size;

    /**
     * The sum of the slots {@link #addAll} read ahead: kept so the reads are not optimized away.
     */
    @SuppressWarnings("unused")
    private long touched;

    /** Adds a fingerprint; returns false if it was already there. */
    public boolean add(long high, long low) {
        if (size * 2 >= table.length / 2) {
            grow();
        }
        return insert(table, high, low);
    }

    /**
     * Adds {@code count} fingerprints in order, as {@link #add} would one by one, and says for each
     * whether it was new. Faster than one by one for a table larger than the CPU caches: every slot
     * the batch will probe is read first, in one short loop of independent loads that the CPU
     * overlaps, so the inserts then find their slots in cache instead of waiting for memory once
     * per fingerprint.
     */
    public void addAll(long[] highs, long[] lows, int count, boolean[] added) {
        while ((size + count) * 2L >= table.length / 2) {
            grow();
        }
        int mask = table.length / 2 - 1;
        long touched = 0;
        for (int i = 0; i < count; i++) {
            touched += table[slotOf(highs[i], mask) * 2];
        }
        this.touched = touched;
        for (int i = 0; i < count; i++) {
            added[i] = insert(table, highs[i], lows[i]);
        }
    }

    public int size() {
        return size;
    }

    private static int slotOf(long high, int mask) {
        return (int) (high ^ (high >>> 32)) & mask;
    }

    private boolean insert(long[] into, long high, long low) {
        if (high == 0 && low == 0) {
            low = 1; // (0, 0) marks an empty slot
        }
        int mask = into.length / 2 - 1;
        int slot = slotOf(high, mask);
        while (true) {
            int at = slot * 2;
            long h = into[at];
            long l = into[at + 1];
            if (h == 0 && l == 0) {
                into[at] = high;
                into[at + 1] = low;
                if (into == table) {
                    size++;
                }
                return true;
            }
            if (h == high && l == low) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        long[] old = table;
        long[] bigger = new long[old.length * 2];
        for (int at = 0; at < old.length; at += 2) {
            if (old[at] != 0 || old[at + 1] != 0) {
                insert(bigger, old[at], old[at + 1]);
            }
        }
        table = bigger;
    }
}
