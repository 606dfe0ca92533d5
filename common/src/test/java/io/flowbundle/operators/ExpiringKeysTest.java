package io.flowbundle.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpiringKeysTest {

    private record Key(long slot, long low) {}

    @Test
    void addsEachKeyOnceAndTellsNewFromKnown() {
        ExpiringKeys keys = new ExpiringKeys();

        assertThat(keys.add(1L << 12, 7, 100)).isTrue();
        assertThat(keys.add(1L << 12, 7, 200)).as("known: the first expiry time stays").isFalse();
        assertThat(keys.add(1L << 12, 8, 100)).as("same slot, other second half").isTrue();
        assertThat(keys.add(1L << 12, 8, 100)).as("found at the next slot").isFalse();
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.nextExpiry()).isEqualTo(100);
    }

    @Test
    void aKeyWhoseSlotIsTakenGoesWhereTheSlotLayoutPutsIt() {
        ExpiringKeys keys = new ExpiringKeys();
        long slot = 3L << 12 | 5;
        keys.add(slot, 1, 100);
        keys.add(slot, 2, 100);
        keys.add(slot, 3, 100);

        long[] stored = keys.toArray();
        java.util.Set<Long> slots = new java.util.HashSet<>();
        for (int at = 0; at < stored.length; at += 3) {
            slots.add(stored[at]);
        }
        long next = DedupeOperator.nextSlot(slot);
        assertThat(slots).containsExactlyInAnyOrder(slot, next, DedupeOperator.nextSlot(next));
        assertThat(keys.add(next, 2, 100)).as("the second key, at its slot").isFalse();
    }

    @Test
    void expireForgetsWhatIsDueAndKeepsTheRestReachable() {
        ExpiringKeys keys = new ExpiringKeys();
        // one probe run: every slot has the same bits above the bucket
        for (int i = 0; i < 20; i++) {
            keys.add(5L << 12 | i, i, i % 2 == 0 ? 100 : 200);
        }

        assertThat(keys.expire(99)).isZero();
        assertThat(keys.expire(100)).isEqualTo(10);
        assertThat(keys.nextExpiry()).isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            assertThat(keys.add(5L << 12 | i, i, 300)).as("key %d", i).isEqualTo(i % 2 == 0);
        }
        assertThat(keys.expire(Long.MAX_VALUE)).isEqualTo(20);
        assertThat(keys.size()).isZero();
        assertThat(keys.nextExpiry()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void agreesWithAMapOverRandomAddsAndExpiries() {
        Random random = new Random(42);
        ExpiringKeys keys = new ExpiringKeys();
        Map<Key, Long> oracle = new HashMap<>();
        long now = 0;
        for (int round = 0; round < 200; round++) {
            int adds = random.nextInt(2_000);
            for (int i = 0; i < adds; i++) {
                // few distinct probe starts, so runs are long and keys repeat (one second half a
                // slot:
                // keys that share a slot are the other test's business)
                long slot = (long) random.nextInt(300) << 12 | random.nextInt(4096);
                Key key = new Key(slot, slot * 31);
                long expiry = now + 1 + random.nextInt(50);
                boolean isNew = !oracle.containsKey(key);
                if (isNew) {
                    oracle.put(key, expiry);
                }
                assertThat(keys.add(key.slot(), key.low(), expiry)).isEqualTo(isNew);
            }
            now += random.nextInt(30);
            long due = now;
            int expected = (int) oracle.values().stream().filter(expiry -> expiry <= due).count();
            oracle.values().removeIf(expiry -> expiry <= due);
            assertThat(keys.expire(now)).isEqualTo(expected);
            assertThat(keys.size()).isEqualTo(oracle.size());
            assertThat(keys.nextExpiry())
                    .isEqualTo(
                            oracle.values().stream()
                                    .mapToLong(Long::longValue)
                                    .min()
                                    .orElse(Long.MAX_VALUE));
        }
        // every remembered key is still found, and nothing else is
        for (Map.Entry<Key, Long> entry : oracle.entrySet()) {
            assertThat(keys.add(entry.getKey().slot(), entry.getKey().low(), now + 1)).isFalse();
        }
        assertThat(keys.size()).isEqualTo(oracle.size());
    }

    @Test
    void growsAndShrinksWithoutLosingKeys() {
        ExpiringKeys keys = new ExpiringKeys();
        for (long i = 0; i < 100_000; i++) {
            keys.add(i * 0x9E3779B97F4A7C15L, i, i < 99_990 ? 1 : 2);
        }

        assertThat(keys.expire(1)).isEqualTo(99_990);
        assertThat(keys.size()).isEqualTo(10);
        for (long i = 99_990; i < 100_000; i++) {
            assertThat(keys.add(i * 0x9E3779B97F4A7C15L, i, 3)).isFalse();
        }
    }

    @Test
    void anEmptiedTableGivesItsMemoryBack() {
        ExpiringKeys keys = new ExpiringKeys();
        for (long i = 0; i < 100_000; i++) {
            keys.add(i * 0x9E3779B97F4A7C15L, i, 1);
        }
        String full = keys.toString();

        keys.expire(1);

        assertThat(full).contains("capacity=262144");
        assertThat(keys.toString()).contains("size=0").contains("capacity=64");
    }

    @Test
    void roundTripsThroughItsArrayForm() {
        ExpiringKeys keys = new ExpiringKeys();
        for (long i = 0; i < 500; i++) {
            keys.add(i << 12, -i, 1_000 + i);
        }

        ExpiringKeys copy = new ExpiringKeys();
        copy.addAll(keys.toArray());

        assertThat(copy.size()).isEqualTo(500);
        assertThat(copy.nextExpiry()).isEqualTo(1_000);
        assertThat(copy.expire(1_249)).isEqualTo(250);
        assertThat(copy.add(300L << 12, -300, 5)).isFalse();
        assertThatThrownBy(() -> copy.addAll(new long[4])).hasMessageContaining("triples");
    }

    @Test
    void clearForgetsEveryKey() throws Exception {
        ExpiringKeys keys = new ExpiringKeys();
        for (long i = 0; i < 1_000; i++) {
            keys.add(i << 12, i, 10);
        }

        keys.clear();

        assertThat(keys.size()).isZero();
        assertThat(keys.nextExpiry()).isEqualTo(Long.MAX_VALUE);
        long[] seen = {0};
        keys.forEach((slot, low, expiry) -> seen[0]++);
        assertThat(seen[0]).isZero();
        assertThat(keys.add(5L << 12, 5, 10)).as("new again").isTrue();
    }

    @Test
    void theFreeMarkIsNoExpiryTime() {
        assertThatThrownBy(() -> new ExpiringKeys().add(1, 1, ExpiringKeys.FREE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
