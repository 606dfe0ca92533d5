package io.flowbundle.bench;

import io.flowbundle.contract.Contract;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.contract.RowValidator;
import io.flowbundle.operators.DedupeKey;
import io.flowbundle.operators.FingerprintSet;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.RowType;

/**
 * The {@code java-floor} batch engine: the per-row work of the batch pipeline hand-fused into one
 * loop per thread, with no Flink at all, to show what a JVM engine on the same Parquet reader can
 * at best do. Each thread takes whole files, reads every column with the pipeline's own vectorized
 * reader ({@link ParquetRows}), validates every row against the contract ({@link RowValidator}),
 * fingerprints {@code id} ({@link DedupeKey}), dedupes against one set shared by the threads
 * ({@link FingerprintSet}s in locked stripes) and adds the row to its own hash table of hourly
 * per-device groups (primitive arrays); the tables are merged at the end.
 *
 * <p>Deliberately left out, so the figure is a floor and not a competitor: the shuffle, Flink's
 * runtime and SQL, the output contract, writing the result (only its groups are counted), audit and
 * lineage. What it shares with the pipeline (reader, validator, fingerprint, dedupe set) is the
 * same code, so a faster floor needs faster parts, not a different plan.
 */
final class JavaFloor {

    private static final long HOUR_MILLIS = 3_600_000L;
    private static final int STRIPES = 256;

    private JavaFloor() {}

    static Measurement run(Path data, long rows, int threads, Path contractFile) throws Exception {
        long started = System.nanoTime();
        Contract contract = ContractLoader.load(contractFile.toAbsolutePath());
        RowType type = contract.rowType("timestamp");
        List<Path> files = ParquetInputs.list(data, "date", null);
        Shared shared = new Shared(files);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Worker>> running = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(new Worker(contract, type, shared)::call));
            }
            List<Worker> done = new ArrayList<>();
            for (Future<Worker> worker : running) {
                done.add(worker.get());
            }
            HourlyGroups merged = done.get(0).groups;
            long read = 0;
            long rejected = 0;
            long duplicates = 0;
            for (Worker worker : done) {
                if (worker.groups != merged) {
                    merged.mergeFrom(worker.groups);
                }
                read += worker.read;
                rejected += worker.rejected;
                duplicates += worker.duplicates;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (read != rows) {
                throw new IllegalStateException(
                        "java-floor read " + read + " of " + rows + " rows");
            }
            long counted = merged.readings();
            if (counted != read - rejected - duplicates) {
                throw new IllegalStateException(
                        "java-floor counted "
                                + counted
                                + " readings of "
                                + read
                                + " read, "
                                + rejected
                                + " rejected, "
                                + duplicates
                                + " duplicates");
            }
            return new Measurement(
                    "java-floor",
                    rows,
                    seconds,
                    merged.size(),
                    Measurement.currentPeakRssMb(),
                    Measurement.extra(
                            "threads",
                            threads,
                            "rejected",
                            rejected,
                            "duplicates",
                            duplicates,
                            "writes_output",
                            false));
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the threads share: the files still to read, the dedupe set, the device numbers. */
    private static final class Shared {
        final List<Path> files;
        final AtomicInteger nextFile = new AtomicInteger();
        final FingerprintSet[] seen = new FingerprintSet[STRIPES];
        final Map<StringData, Integer> devices = new ConcurrentHashMap<>();
        final AtomicInteger nextDevice = new AtomicInteger();

        Shared(List<Path> files) {
            this.files = files;
            for (int i = 0; i < STRIPES; i++) {
                seen[i] = new FingerprintSet();
            }
        }

        boolean firstSeen(long high, long low) {
            FingerprintSet stripe = seen[(int) (low >>> 56) & (STRIPES - 1)];
            synchronized (stripe) {
                return stripe.add(high, low);
            }
        }

        int device(StringData id) {
            return devices.computeIfAbsent(id, copy -> nextDevice.getAndIncrement());
        }
    }

    /** One thread's loop over whole files. */
    private static final class Worker {
        final Shared shared;
        final RowType type;
        final RowValidator validator;
        final DedupeKey key;
        final int device;
        final int time;
        final int temperature;
        final long[] fingerprint = new long[2];
        final Map<StringData, Integer> devices = new HashMap<>();
        final HourlyGroups groups = new HourlyGroups();
        long read;
        long rejected;
        long duplicates;

        Worker(Contract contract, RowType type, Shared shared) {
            this.shared = shared;
            this.type = type;
            this.validator = new RowValidator(contract);
            this.key = new DedupeKey(type, contract.primaryKey());
            this.device = type.getFieldIndex("device_id");
            this.time = type.getFieldIndex("timestamp");
            this.temperature = type.getFieldIndex("temperature_c");
        }

        Worker call() throws Exception {
            int next;
            while ((next = shared.nextFile.getAndIncrement()) < shared.files.size()) {
                ParquetRows.forEach(shared.files.get(next), type, (number, row) -> accept(row));
            }
            return this;
        }

        private void accept(RowData row) {
            read++;
            if (validator.validate(row) != null) {
                rejected++;
                return;
            }
            key.fingerprint(row, fingerprint);
            if (!shared.firstSeen(fingerprint[0], fingerprint[1])) {
                duplicates++;
                return;
            }
            StringData id = row.getString(device);
            Integer number = devices.get(id);
            if (number == null) {
                BinaryStringData copy = ((BinaryStringData) id).copy();
                number = shared.device(copy);
                devices.put(copy, number);
            }
            long hour = Math.floorDiv(row.getTimestamp(time, 3).getMillisecond(), HOUR_MILLIS);
            boolean hasTemperature = !row.isNullAt(temperature);
            groups.add(
                    ((long) number << 32) | (hour & 0xFFFF_FFFFL),
                    hasTemperature,
                    hasTemperature ? row.getDouble(temperature) : 0);
        }
    }

    /**
     * Hourly groups in one open-addressing {@code long[]}, four longs a group (key + 1, readings,
     * temperatures summed, temperatures counted), so a group is one cache line at most. Keys are
     * non-negative (device number and hour, 32 bits each).
     */
    static final class HourlyGroups {
        private static final int STRIDE = 4;
        private long[] table = new long[STRIDE << 16];
        private int capacity = 1 << 16;
        private int size;

        void add(long key, boolean hasValue, double value) {
            int at = slot(key);
            table[at + 1]++;
            if (hasValue) {
                table[at + 2] =
                        Double.doubleToRawLongBits(Double.longBitsToDouble(table[at + 2]) + value);
                table[at + 3]++;
            }
        }

        void mergeFrom(HourlyGroups other) {
            for (int at = 0; at < other.table.length; at += STRIDE) {
                if (other.table[at] != 0) {
                    int into = slot(other.table[at] - 1);
                    table[into + 1] += other.table[at + 1];
                    table[into + 2] =
                            Double.doubleToRawLongBits(
                                    Double.longBitsToDouble(table[into + 2])
                                            + Double.longBitsToDouble(other.table[at + 2]));
                    table[into + 3] += other.table[at + 3];
                }
            }
        }

        int size() {
            return size;
        }

        long readings() {
            long readings = 0;
            for (int at = 0; at < table.length; at += STRIDE) {
                readings += table[at + 1];
            }
            return readings;
        }

        /**
         * The average of a group's temperatures, or NaN if it has none (SQL's NULL) or is absent.
         */
        double average(long key) {
            int mask = capacity - 1;
            for (int slot = (int) mix(key) & mask;
                    table[slot * STRIDE] != 0;
                    slot = (slot + 1) & mask) {
                int at = slot * STRIDE;
                if (table[at] == key + 1) {
                    return table[at + 3] == 0
                            ? Double.NaN
                            : Double.longBitsToDouble(table[at + 2]) / table[at + 3];
                }
            }
            return Double.NaN;
        }

        private int slot(long key) {
            if (size * 2 >= capacity) {
                grow();
            }
            long stored = key + 1; // 0 marks an empty slot
            int mask = capacity - 1;
            int slot = (int) mix(key) & mask;
            while (true) {
                int at = slot * STRIDE;
                long found = table[at];
                if (found == 0) {
                    table[at] = stored;
                    size++;
                    return at;
                }
                if (found == stored) {
                    return at;
                }
                slot = (slot + 1) & mask;
            }
        }

        private static long mix(long key) {
            long mixed = key * 0x9E3779B97F4A7C15L;
            return mixed ^ (mixed >>> 29);
        }

        private void grow() {
            long[] old = table;
            capacity *= 2;
            table = new long[capacity * STRIDE];
            size = 0;
            for (int at = 0; at < old.length; at += STRIDE) {
                if (old[at] != 0) {
                    int into = slot(old[at] - 1);
                    System.arraycopy(old, at + 1, table, into + 1, STRIDE - 1);
                }
            }
        }
    }
}
