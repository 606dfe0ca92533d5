package io.flowbundle.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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

    @Test
    void addingInBatchesAnswersAsAddingOneByOne() {
        // batches that straddle growths, with copies within a batch, across batches, and (0, 0)
        FingerprintSet oneByOne = new FingerprintSet();
        FingerprintSet batched = new FingerprintSet();
        SplittableRandom random = new SplittableRandom(7);
        long[] highs = new long[37];
        long[] lows = new long[37];
        boolean[] added = new boolean[37];
        for (int batch = 0; batch < 5_000; batch++) {
            int count = 1 + random.nextInt(highs.length);
            for (int i = 0; i < count; i++) {
                long key = random.nextInt(100_000);
                highs[i] = key == 0 ? 0 : key * 0x9E3779B97F4A7C15L;
                lows[i] = key == 0 ? 0 : ~key;
            }
            batched.addAll(highs, lows, count, added);
            for (int i = 0; i < count; i++) {
                assertThat(added[i])
                        .as("batch %d, fingerprint %d", batch, i)
                        .isEqualTo(oneByOne.add(highs[i], lows[i]));
            }
        }
        assertThat(batched.size())
                .isEqualTo(oneByOne.size())
                .as("several growths")
                .isGreaterThan(50_000);
    }
}
