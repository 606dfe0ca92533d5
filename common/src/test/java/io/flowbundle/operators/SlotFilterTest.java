package io.flowbundle.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlotFilterTest {

    @Test
    void aSlotIsInUseFromItsAddUntilItsRemove() {
        SlotFilter filter = new SlotFilter(16);
        long slot = 0x1234_5678_9ABC_D000L | 42;

        assertThat(filter.mightContain(slot)).isFalse();
        filter.add(slot);
        assertThat(filter.mightContain(slot)).isTrue();
        filter.remove(slot);
        assertThat(filter.mightContain(slot)).isFalse();
    }

    @Test
    void everySlotInUseIsReportedWhateverElseComesAndGoes() {
        SlotFilter filter = new SlotFilter(10);
        SplittableRandom random = new SplittableRandom(7);
        long[] kept = new long[500];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = random.nextLong();
            filter.add(kept[i]);
        }
        // far more slots than counters come and go: counters saturate, nothing in use is lost
        for (int i = 0; i < 200_000; i++) {
            long passing = random.nextLong();
            filter.add(passing);
            filter.remove(passing);
        }
        for (long slot : kept) {
            assertThat(filter.mightContain(slot)).isTrue();
        }
    }

    @Test
    void mostSlotsNotInUseAreToldApart() {
        SlotFilter filter = new SlotFilter(20);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            filter.add(random.nextLong());
        }
        int maybes = 0;
        for (int i = 0; i < 100_000; i++) {
            maybes += filter.mightContain(random.nextLong()) ? 1 : 0;
        }
        // n = m / 52: (1 - e^(-2n/m))^2 is about 0.14%
        assertThat(maybes).isLessThan(500);
    }

    @Test
    void theSizeIsBounded() {
        assertThatThrownBy(() -> new SlotFilter(40)).isInstanceOf(IllegalArgumentException.class);
    }
}
