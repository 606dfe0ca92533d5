package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.SensorRows;

import org.junit.jupiter.api.Test;

import java.util.List;

class DedupeKeyTest {

    @Test
    void aSingleColumnKeyIsItsText() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));

        assertThat(key.text(reading("evt-1").build())).isEqualTo("evt-1");
    }

    @Test
    void rowsWithEqualKeyColumnsShareAKeyWhateverTheirOtherColumns() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        String a = key.text(reading("evt-1").device("device-001").at("2026-11-01T10:00:00Z").temperature(20.0).build());
        String b = key.text(reading("evt-2").device("device-001").at("2026-11-01T10:00:00Z").temperature(30.0).build());
        String otherTime = key.text(reading("evt-1").device("device-001").at("2026-11-01T10:00:01Z").build());
        String otherDevice = key.text(reading("evt-1").device("device-002").at("2026-11-01T10:00:00Z").build());

        assertThat(a).isEqualTo(b).isNotEqualTo(otherTime).isNotEqualTo(otherDevice);
    }

    @Test
    void columnsOfACompositeKeyDoNotRunTogether() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id", "device_id"));

        assertThat(key.text(reading("ab").device("c").build()))
                .isNotEqualTo(key.text(reading("a").device("bc").build()));
    }

    @Test
    void aMissingKeyValueIsNotTheTextNull() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id"));

        assertThat(key.text(reading("evt-1").noDevice().build()))
                .isNotEqualTo(key.text(reading("evt-2").device("null").build()));
    }

    @Test
    void aMissingValueInACompositeKeyIsNotTheTextNullEither() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        assertThat(key.text(reading("evt-1").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isNotEqualTo(key.text(reading("evt-2").device("null").at("2026-11-01T10:00:00Z").build()));
    }

    @Test
    void rowsMissingTheSameKeyValueShareAKey() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        assertThat(key.text(reading("evt-1").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isEqualTo(key.text(reading("evt-2").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isNotEqualTo(key.text(reading("evt-3").noDevice().at("2026-11-01T10:00:01Z").build()));
    }

    @Test
    void rowsWithEqualKeysHaveEqualFingerprintsAndDistinctIdsDistinctOnes() {
        DedupeKey key = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));
        java.util.Set<Long> highs = new java.util.HashSet<>();
        java.util.Set<Long> lows = new java.util.HashSet<>();
        long[] print = new long[2];
        for (int i = 0; i < 100_000; i++) {
            key.fingerprint(reading(String.format("evt-42-%010d", i)).build(), print);
            highs.add(print[0]);
            lows.add(print[1]);
        }

        long[] other = new long[2];
        key.fingerprint(reading("evt-1").temperature(20.0).build(), print);
        key.fingerprint(reading("evt-1").temperature(30.0).build(), other);
        assertThat(other).isEqualTo(print);
        assertThat(highs).as("each half on its own tells 100,000 ids apart").hasSize(100_000);
        assertThat(lows).hasSize(100_000);
    }
}
