package io.flowbundle.bench;

import io.flowbundle.contract.UnknownFields;
import io.flowbundle.operators.DecodeException;
import io.flowbundle.operators.JsonRowDecoder;
import io.flowbundle.sample.SensorEventGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * A timed loop over {@link JsonRowDecoder#decode} alone, for comparing two builds' JSON decoding
 * where a stream benchmark is too noisy to show it: the sample generator's valid sensor events (the
 * contract's fields only), decoded under {@code unknown_fields: drop} and {@code keep}; and the
 * same events with three fields the contract does not name (one nested), under each of drop, keep
 * and reject. Prints nanoseconds per record, best of the rounds.
 *
 * <p>{@code java -cp bench/target/flowbundle-bench.jar io.flowbundle.bench.DecodeBench [rounds]
 * [modes]}: modes (comma-separated, default all) is any of {@code drop}, {@code keep}, {@code
 * keep-unknown}, {@code drop-unknown}, {@code reject-unknown}; a build without {@code keep} runs
 * the drop ones.
 */
public final class DecodeBench {

    private static final int RECORDS = 1 << 15;
    private static final int PASSES = 20;

    private DecodeBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> modes =
                List.of(
                        (args.length > 1
                                        ? args[1]
                                        : "drop,keep,drop-unknown,keep-unknown,reject-unknown")
                                .split(","));
        RowType type = SensorEventGenerator.ROW_TYPE;
        byte[][] known = new byte[RECORDS][];
        byte[][] unknown = new byte[RECORDS][];
        SensorEventGenerator generator =
                new SensorEventGenerator(
                        SensorEventGenerator.Settings.defaults()
                                .withSeed(3)
                                .withEvents(RECORDS)
                                .withDuplicates(0)
                                .withInvalid(0));
        for (int i = 0; i < RECORDS; i++) {
            known[i] = generator.next().json();
            String json = new String(known[i], StandardCharsets.UTF_8);
            unknown[i] =
                    json.substring(0, json.length() - 1)
                            .concat(
                                    ", \"battery\": 0.875, \"firmware\": {\"version\": \"2.1.0\","
                                            + " \"channels\": [1, 2]}}")
                            .replace("\"room\":", "\"floor\": 3, \"room\":")
                            .getBytes(StandardCharsets.UTF_8);
        }
        for (String mode : modes) {
            boolean withUnknown = mode.endsWith("-unknown");
            UnknownFields option =
                    UnknownFields.valueOf(mode.replace("-unknown", "").toUpperCase());
            measure(mode, new JsonRowDecoder(type, option), withUnknown ? unknown : known, rounds);
        }
    }

    private static void measure(String name, JsonRowDecoder decoder, byte[][] records, int rounds)
            throws DecodeException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long rejected = 0;
        double best = Double.MAX_VALUE;
        double bestWall = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            long startCpu = cpu.getCurrentThreadCpuTime();
            for (int pass = 0; pass < PASSES; pass++) {
                for (byte[] record : records) {
                    try {
                        RowData row = decoder.decode(record);
                        sink += row.getArity();
                    } catch (DecodeException e) {
                        rejected++;
                    }
                }
            }
            double decoded = PASSES * (double) records.length;
            double perRecord = (cpu.getCurrentThreadCpuTime() - startCpu) / decoded;
            if (perRecord < best) {
                best = perRecord;
                bestWall = (System.nanoTime() - start) / decoded;
            }
        }
        System.out.printf(
                "%-16s %7.1f CPU-ns/record, %5.2f M records/s a core (wall %.1f ns; best of %d"
                        + " rounds; rejected %d; %d)%n",
                name, best, 1_000.0 / best, bestWall, rounds, rejected / rounds, sink & 1);
    }
}
