package io.flowbundle.operators;

import static io.flowbundle.testing.SensorRows.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.SensorRows;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

class DedupeKeyTest {

    private static final DedupeKey BY_ID = new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id"));
    private static final DedupeKey BY_DEVICE =
            new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id"));
    private static final DedupeKey BY_ID_AND_DEVICE =
            new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("id", "device_id"));
    private static final DedupeKey BY_DEVICE_AND_TIME =
            new DedupeKey(SensorRows.PIPELINE_TYPE, List.of("device_id", "timestamp"));

    /** A row of (BIGINT n, INT small, TIMESTAMP(6) at, VARCHAR name). */
    private static final RowType NUMBERS =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(),
                        new IntType(),
                        new TimestampType(6),
                        VarCharType.STRING_TYPE
                    },
                    new String[] {"n", "small", "at", "name"});

    private static long[] print(DedupeKey key, RowData row) {
        long[] print = new long[2];
        key.fingerprint(row, print);
        return print;
    }

    @Test
    void rowsWithEqualKeyColumnsShareAFingerprintWhateverTheirOtherColumns() {
        long[] a =
                print(
                        BY_DEVICE_AND_TIME,
                        reading("evt-1")
                                .device("device-001")
                                .at("2026-11-01T10:00:00Z")
                                .temperature(20.0)
                                .build());
        long[] b =
                print(
                        BY_DEVICE_AND_TIME,
                        reading("evt-2")
                                .device("device-001")
                                .at("2026-11-01T10:00:00Z")
                                .temperature(30.0)
                                .build());
        long[] otherTime =
                print(
                        BY_DEVICE_AND_TIME,
                        reading("evt-1").device("device-001").at("2026-11-01T10:00:01Z").build());
        long[] otherDevice =
                print(
                        BY_DEVICE_AND_TIME,
                        reading("evt-1").device("device-002").at("2026-11-01T10:00:00Z").build());

        assertThat(a).isEqualTo(b).isNotEqualTo(otherTime).isNotEqualTo(otherDevice);
    }

    @Test
    void columnsOfACompositeKeyDoNotRunTogether() {
        assertThat(print(BY_ID_AND_DEVICE, reading("ab").device("c").build()))
                .isNotEqualTo(print(BY_ID_AND_DEVICE, reading("a").device("bc").build()));
    }

    @Test
    void compositeKeysThatCollidedByConstructionUnderTheSeparatorNoLongerDo() {
        // joined by U+0001, both keys were the text "a\u0001b\u0001c"
        assertThat(print(BY_ID_AND_DEVICE, reading("a\u0001b").device("c").build()))
                .isNotEqualTo(print(BY_ID_AND_DEVICE, reading("a").device("b\u0001c").build()));
        // a missing value was the text "\u0000null"
        assertThat(print(BY_DEVICE, reading("evt-1").noDevice().build()))
                .isNotEqualTo(print(BY_DEVICE, reading("evt-2").device("\u0000null").build()));
    }

    @Test
    void aMissingValueTheEmptyStringAndTheTextNullAreThreeKeys() {
        long[] missing = print(BY_DEVICE, reading("evt-1").noDevice().build());
        long[] empty = print(BY_DEVICE, reading("evt-2").device("").build());
        long[] text = print(BY_DEVICE, reading("evt-3").device("null").build());

        assertThat(missing).isNotEqualTo(empty).isNotEqualTo(text);
        assertThat(empty).isNotEqualTo(text);
    }

    @Test
    void aMissingValueInACompositeKeyIsNeitherTheEmptyStringNorTheTextNull() {
        String at = "2026-11-01T10:00:00Z";
        long[] missing = print(BY_DEVICE_AND_TIME, reading("evt-1").noDevice().at(at).build());
        long[] empty = print(BY_DEVICE_AND_TIME, reading("evt-2").device("").at(at).build());
        long[] text = print(BY_DEVICE_AND_TIME, reading("evt-3").device("null").at(at).build());

        assertThat(missing).isNotEqualTo(empty).isNotEqualTo(text);
        assertThat(empty).isNotEqualTo(text);
    }

    @Test
    void rowsMissingTheSameKeyValueShareAKey() {
        assertThat(
                        print(
                                BY_DEVICE_AND_TIME,
                                reading("evt-1").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isEqualTo(
                        print(
                                BY_DEVICE_AND_TIME,
                                reading("evt-2").noDevice().at("2026-11-01T10:00:00Z").build()))
                .isNotEqualTo(
                        print(
                                BY_DEVICE_AND_TIME,
                                reading("evt-3").noDevice().at("2026-11-01T10:00:01Z").build()));
    }

    /**
     * The layout and the hash are part of the streaming state layout: if either changes, these
     * values do, and {@link DedupeLayout#VERSION} must change with them. The expected fingerprints
     * were computed with commons-codec's {@code MurmurHash3.hash128x64(bytes, 0, length, 0)}, an
     * implementation independent of the one the key uses.
     */
    @Test
    void fingerprintsAreMurmurHash3X64128OfTheTaggedLengthPrefixedEncoding() {
        assertThat(BY_ID.encoding(reading("evt-1").build()))
                .containsExactly(0x01, 0, 0, 0, 5, 'e', 'v', 't', '-', '1');
        assertThat(BY_DEVICE.encoding(reading("evt-1").noDevice().build())).containsExactly(0x00);
        assertThat(BY_ID_AND_DEVICE.encoding(reading("evt-1").device("").build()))
                .containsExactly(0x01, 0, 0, 0, 5, 'e', 'v', 't', '-', '1', 0x01, 0, 0, 0, 0);

        assertThat(print(BY_ID, reading("evt-1").build()))
                .containsExactly(0x09EBFEB1CAA76E8BL, 0x0CF96CAEF52B87C5L);
        assertThat(print(BY_ID, reading("0b9c7f2e-4a51-4c1e-9f3d-2a6b8e1d5c70").build()))
                .containsExactly(0x4AEF35D73B32DFABL, 0x9E1A152E7D3D40A8L);
        assertThat(print(BY_DEVICE, reading("evt-1").noDevice().build()))
                .containsExactly(0x4610ABE56EFF5CB5L, 0x51622DAA78F83583L);
        assertThat(print(BY_DEVICE, reading("evt-1").device("").build()))
                .containsExactly(0x50DAD0EB4B830D94L, 0xC74C6BFC12FB99D7L);
    }

    @Test
    void numberAndTimestampColumnsAreEncodedByValue() {
        DedupeKey key = new DedupeKey(NUMBERS, List.of("n", "small", "at"));
        LocalDateTime at = LocalDateTime.parse("2026-11-01T10:00:00.123456");

        long[] one = print(key, numbers(1L, 7, at, "a"));
        assertThat(print(key, numbers(1L, 7, at, "b"))).isEqualTo(one);
        assertThat(print(key, numbers(256L, 7, at, "a"))).isNotEqualTo(one);
        assertThat(print(key, numbers(1L, 8, at, "a"))).isNotEqualTo(one);
        assertThat(print(key, numbers(1L, 7, at.plusNanos(1000), "a")))
                .as("the microseconds of a TIMESTAMP(6) count")
                .isNotEqualTo(one);
        assertThat(print(key, numbers(1L, 7, at.plusSeconds(1), "a"))).isNotEqualTo(one);
        assertThat(print(key, numbers(null, 7, at, "a")))
                .as("a missing number is not zero")
                .isNotEqualTo(print(key, numbers(0L, 7, at, "a")));
        assertThat(key.encoding(numbers(1L, 7, at, "a")))
                .as("tag and length, then the value's bytes, for every column")
                .hasSize(3 * 5 + 8 + 8 + 12)
                .startsWith(0x04, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void anIntegerIsTheSameKeyWhateverItsColumnsWidth() {
        DedupeKey wide = new DedupeKey(NUMBERS, List.of("n"));
        DedupeKey narrow = new DedupeKey(NUMBERS, List.of("small"));
        RowData row = numbers(42L, 42, null, null);

        assertThat(print(narrow, row)).isEqualTo(print(wide, row));
    }

    @Test
    void aKeyReadFromSerializedRowsHasTheFingerprintOfTheSameKeyInObjects() {
        RowDataSerializer serializer = new RowDataSerializer(NUMBERS);
        DedupeKey key = new DedupeKey(NUMBERS, List.of("name", "n"));
        GenericRowData row = numbers(3L, 1, null, "device-001 with a name longer than a few bytes");

        assertThat(print(key, serializer.toBinaryRow(row).copy())).isEqualTo(print(key, row));
    }

    @Test
    void distinctIdsHaveDistinctFingerprintsInEachHalf() {
        Set<Long> highs = new HashSet<>();
        Set<Long> lows = new HashSet<>();
        long[] print = new long[2];
        for (int i = 0; i < 100_000; i++) {
            BY_ID.fingerprint(reading(String.format("evt-42-%010d", i)).build(), print);
            highs.add(print[0]);
            lows.add(print[1]);
        }

        assertThat(highs).as("each half on its own tells 100,000 ids apart").hasSize(100_000);
        assertThat(lows).hasSize(100_000);
    }

    private static GenericRowData numbers(Long n, Integer small, LocalDateTime at, String name) {
        return GenericRowData.of(
                n,
                small,
                at == null ? null : TimestampData.fromLocalDateTime(at),
                name == null ? null : StringData.fromString(name));
    }
}
