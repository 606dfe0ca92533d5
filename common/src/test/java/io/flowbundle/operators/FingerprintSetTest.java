package io.flowbundle.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class FingerprintSetTest {

    @Test
    void remembersEveryFingerprintThroughManyGrowths() {
        FingerprintSet set = new FingerprintSet();
        SplittableRandom random = new SplittableRandom(1);
        long[][] added = new long[300_000][];
        for (int i = 0; i < added.length; i++) {
            added[i] = new long[] {random.nextLong(), random.nextLong()};
            assertThat(set.add(added[i][0], added[i][1])).isTrue();
        }

        assertThat(set.size()).isEqualTo(added.length);
        for (long[] fingerprint : added) {
            assertThat(set.add(fingerprint[0], fingerprint[1])).isFalse();
        }
        assertThat(set.size()).isEqualTo(added.length);
    }

    @Test
    void fingerprintsSharingOneHalfAreDistinct() {
        FingerprintSet set = new FingerprintSet();

        assertThat(set.add(42L, 1L)).isTrue();
        assertThat(set.add(42L, 2L)).isTrue();
        assertThat(set.add(7L, 1L)).isTrue();
        assertThat(set.add(42L, 1L)).isFalse();
    }

    @Test
    void theAllZeroFingerprintIsStorableThoughItMarksEmptySlots() {
        FingerprintSet set = new FingerprintSet();

        assertThat(set.add(0L, 0L)).isTrue();
        assertThat(set.add(0L, 0L)).isFalse();
        assertThat(set.size()).isEqualTo(1);
    }
}
