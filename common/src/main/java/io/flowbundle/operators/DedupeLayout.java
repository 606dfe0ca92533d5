package io.flowbundle.operators;

import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;

/**
 * The version of the streaming dedupe's state layout, which its state names carry: what a stored
 * key means (the fingerprint of {@link DedupeKey}: its encoding and its hash), the buckets and the
 * slots ({@link DedupeOperator}). The operator's uid ({@code dedupe-slots}) stays, so that a
 * savepoint of an older version is restored into the operator and refused by it in one line,
 * instead of being skipped by Flink (with {@code --allowNonRestoredState}) or failing the restore
 * with an operator id nobody can place.
 *
 * <p>Why version 1's keys cannot be carried over: a stored fingerprint cannot be turned back into
 * its key, so it cannot be rehashed (by the operator or with the State Processor API); and
 * consulting the old keys with the old hash would need every record's old fingerprint at the
 * subtask that holds its old bucket, i.e. the stream keyed by the old hash as long as old keys
 * live. What is left is a choice only the user can make: dropping them, which lets copies of keys
 * first seen within the retention before the savepoint pass once more.
 */
final class DedupeLayout {

    /**
     * 2: MurmurHash3 x64 128 of a tagged, length-prefixed encoding. 1 (no version in the state
     * names): two byte-at-a-time 64-bit hashes of the key's text, columns joined by U+0001.
     */
    static final int VERSION = 2;

    static final String PREFIX = "dedupe-v" + VERSION + "-";

    /** The global job parameter that lets a job drop version 1's keys on restore. */
    static final String DROP_V1 = "flowbundle.dedupe.drop-v1-state";

    /** Version 1's state names (its heap tables and its RocksDB entries and expiry lists). */
    static final String V1_TABLES = "dedupe-tables";

    static final String V1_SEEN = "dedupe-seen";
    static final String V1_EXPIRING = "dedupe-expiring";

    private DedupeLayout() {}

    /** Whether the restored state holds keys of version 1. */
    static boolean hasV1Keys(KeyedStateBackend<Integer> backend) {
        try (var tables = backend.<VoidNamespace>getKeys(V1_TABLES, VoidNamespace.INSTANCE);
                var lists = backend.<Long>getKeysAndNamespaces(V1_EXPIRING)) {
            return tables.findAny().isPresent() || lists.findAny().isPresent();
        }
    }

    /** What a restore of version 1's keys without {@link #DROP_V1} fails with. */
    static String v1Refused(long retentionMillis) {
        return "the savepoint's dedupe state (operator uid dedupe-slots) holds keys fingerprinted by"
                + " layout v1, which this build cannot compare with its v"
                + VERSION
                + " fingerprints: restore"
                + " with -D pipeline.global-job-parameters="
                + DROP_V1
                + ":true to forget them (copies of"
                + " keys first seen in the last "
                + retentionMillis
                + " ms before the savepoint then pass"
                + " once more), or keep running the build that took it";
    }

    /**
     * Forgets version 1's keys: deletes them from the keyed state, so that the next savepoint does
     * not hold them; returns how many there were.
     */
    static long dropV1Keys(KeyedStateBackend<Integer> backend) throws Exception {
        long[] dropped = new long[1];
        DedupeState.KeyConsumer count = (slot, low, expiry) -> dropped[0]++;
        DedupeTables.drain(backend, V1_TABLES, count);
        DedupeSlots.drain(backend, V1_SEEN, V1_EXPIRING, count);
        return dropped[0];
    }
}
