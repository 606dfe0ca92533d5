package io.flowbundle.pipeline;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.SensorRows;

import org.junit.jupiter.api.Test;

import java.util.List;

class KeyFieldsTest {

    @Test
    void aSingleColumnKeyIsItsText() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("id"));

        assertThat(key.getKey(reading("evt-1").build())).isEqualTo("evt-1");
    }

    @Test
    void rowsWithEqualKeyColumnsShareAKeyWhateverTheirOtherColumns() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        String a = key.getKey(reading("evt-1").device("device-001").at("2026-11-01T10:00:00Z").temperature(20.0).build());
        String b = key.getKey(reading("evt-2").device("device-001").at("2026-11-01T10:00:00Z").temperature(30.0).build());
        String otherTime = key.getKey(reading("evt-1").device("device-001").at("2026-11-01T10:00:01Z").build());
        String otherDevice = key.getKey(reading("evt-1").device("device-002").at("2026-11-01T10:00:00Z").build());

        assertThat(a).isEqualTo(b).isNotEqualTo(otherTime).isNotEqualTo(otherDevice);
    }

    @Test
    void columnsOfACompositeKeyDoNotRunTogether() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("id", "device_id"));

        assertThat(key.getKey(reading("ab").device("c").build()))
                .isNotEqualTo(key.getKey(reading("a").device("bc").build()));
    }

    @Test
    void aMissingKeyValueIsNotTheTextNull() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("device_id"));

        assertThat(key.getKey(reading("evt-1").noDevice().build()))
                .isNotEqualTo(key.getKey(reading("evt-2").device("null").build()));
    }

    @Test
    void aMissingValueInACompositeKeyIsNotTheTextNullEither() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        assertThat(key.getKey(reading("evt-1").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isNotEqualTo(key.getKey(reading("evt-2").device("null").at("2026-11-01T10:00:00Z").build()));
    }

    @Test
    void rowsMissingTheSameKeyValueShareAKey() {
        KeyFields key = new KeyFields(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

        assertThat(key.getKey(reading("evt-1").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isEqualTo(key.getKey(reading("evt-2").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isNotEqualTo(key.getKey(reading("evt-3").noDevice().at("2026-11-01T10:00:01Z").build()));
    }
}
