package io.flowbundle.operators;

/**
 * Which dedupe slots may be in use: a counting Bloom filter (two 8-bit counters per slot) kept in
 * memory beside the keyed state, so a new key, the usual case, costs no state lookup. It answers
 * "maybe" for every slot in use and "no" for most others (about (1 - e^(-2n/m))^2 false maybes for
 * n slots in use and m counters: 0.2% at n = m / 40). A counter that reaches 255 stays there, so
 * the filter never forgets a slot in use; it only grows less selective. Not checkpointed: rebuilt
 * from the keyed state on restore.
 */
final class SlotFilter {

    private static final int SATURATED = 0xFF;

    private final byte[] counters;
    private final int mask;

    /** A filter of {@code 2^log2Counters} counters. */
    SlotFilter(int log2Counters) {
        if (log2Counters < 4 || log2Counters > 26) {
            throw new IllegalArgumentException("between 2^4 and 2^26 counters: " + log2Counters);
        }
        this.counters = new byte[1 << log2Counters];
        this.mask = counters.length - 1;
    }

    /** False if {@code slot} is certainly not in use. */
    boolean mightContain(long slot) {
        return counters[first(slot)] != 0 && counters[second(slot)] != 0;
    }

    void add(long slot) {
        increment(first(slot));
        increment(second(slot));
    }

    /** Forgets one use of {@code slot}, which must have been added. */
    void remove(long slot) {
        decrement(first(slot));
        decrement(second(slot));
    }

    // a slot's low 12 bits are its bucket; the bits above them are random (a fingerprint's)
    private int first(long slot) {
        return (int) (slot >>> 12) & mask;
    }

    private int second(long slot) {
        return (int) (slot >>> 38) & mask;
    }

    private void increment(int i) {
        int count = counters[i] & 0xFF;
        if (count != SATURATED) {
            counters[i] = (byte) (count + 1);
        }
    }

    private void decrement(int i) {
        int count = counters[i] & 0xFF;
        if (count != SATURATED && count != 0) {
            counters[i] = (byte) (count - 1);
        }
    }
}
