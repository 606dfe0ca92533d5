package io.flowbundle.bench;

import io.flowbundle.operators.DedupeKey;
import java.util.List;
import java.util.UUID;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * A timed loop over {@link DedupeKey#fingerprint} alone, for comparing two builds' key hashing
 * where a whole benchmark run is too noisy to show it: one string key (a UUID, as the benchmark's
 * ids) and a composite (string, timestamp) key, read from serialized rows as the pipeline reads
 * them. Prints nanoseconds per key, best of the rounds.
 *
 * <p>{@code java -cp bench/target/flowbundle-bench.jar io.flowbundle.bench.FingerprintBench
 * [rounds]}
 */
public final class FingerprintBench {

    private static final int ROWS = 1 << 16;
    private static final int PASSES = 100;

    private FingerprintBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        RowType type =
                RowType.of(
                        new LogicalType[] {VarCharType.STRING_TYPE, new TimestampType(3)},
                        new String[] {"id", "at"});
        RowDataSerializer serializer = new RowDataSerializer(type);
        RowData[] rows = new RowData[ROWS];
        for (int i = 0; i < ROWS; i++) {
            GenericRowData row =
                    GenericRowData.of(
                            StringData.fromString(UUID.randomUUID().toString()),
                            TimestampData.fromEpochMillis(1_790_000_000_000L + i));
            rows[i] = serializer.toBinaryRow(row).copy();
        }
        measure("id (one string column)", new DedupeKey(type, List.of("id")), rows, rounds);
        measure("id, at (composite)", new DedupeKey(type, List.of("id", "at")), rows, rounds);
    }

    private static void measure(String name, DedupeKey key, RowData[] rows, int rounds) {
        long[] print = new long[2];
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int pass = 0; pass < PASSES; pass++) {
                for (RowData row : rows) {
                    key.fingerprint(row, print);
                    sink += print[0] ^ print[1];
                }
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) (PASSES * ROWS));
        }
        System.out.printf(
                "%-24s %6.1f ns/key (best of %d rounds; %d)%n", name, best, rounds, sink & 1);
    }
}
