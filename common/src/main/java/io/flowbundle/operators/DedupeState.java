package io.flowbundle.operators;

/**
 * Where a {@link DedupeOperator} subtask remembers its keys: {@link DedupeTables} on the heap
 * backend, {@link DedupeSlots} on RocksDB. A key is its slot (the fingerprint's first half with the
 * bucket in its low bits) and the fingerprint's second half; it is remembered until the watermark
 * reaches its expiry time. Either layout restores the other's state (a savepoint taken with one
 * state backend and restored with the other).
 */
interface DedupeState {

    /**
     * Remembers a key of the current record's bucket unless it is remembered; returns whether it
     * was new.
     */
    boolean remember(long slot, long low, long expiry) throws Exception;

    /** Forgets every key whose expiry time is at or before {@code watermark}. */
    void expire(long watermark) throws Exception;

    /** Writes what is held in memory into the keyed state, which the backend snapshots next. */
    void beforeSnapshot() throws Exception;

    /** The keys this subtask remembers (for tests: may walk the state). */
    long keys() throws Exception;

    /** A remembered key, as a layout hands its keys to the other on restore. */
    interface KeyConsumer {
        void accept(long slot, long low, long expiry) throws Exception;
    }
}
