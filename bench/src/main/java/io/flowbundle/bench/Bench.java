package io.flowbundle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowbundle.kafka.EventProducer;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scripts/bench}: flowbundle against references on the same machine in the same run, each
 * engine in its own JVM, printing throughput, ratios and peak memory. See docs/PERFORMANCE.md.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks against DuckDB, bare Flink SQL and a raw Kafka consumer.",
        subcommands = {
            Bench.Batch.class,
            Bench.Stream.class,
            Bench.Scale.class,
            Bench.Worker.class
        })
public final class Bench implements Runnable {

    static final Path STATE = Path.of(".flowbundle", "bench");
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Parallelism of the streaming job when none is chosen. The job is a pipeline of three tasks
     * (decode and validate; dedupe and the local window aggregate; the global aggregate and the
     * sinks): with heap state, parallelism 1 already keeps two cores busy and beats 2 on the 2-core
     * reference machine (0.28x against 0.23x of the raw consumer, same code and hour); with RocksDB
     * the dedupe task's state access bounded the pipeline and a second subtask paid (0.11x against
     * 0.08x, measured before the dedupe filter). See docs/PERFORMANCE.md. Batch stages run one
     * after the other: one subtask per core.
     */
    static int streamParallelism(String engine, Integer chosen) {
        if (chosen != null) {
            return chosen;
        }
        return engine.equals("flowbundle-rocksdb") ? 2 : 1;
    }

    /**
     * Managed memory of both Flink engines in the batch benchmark: the peers measured bare
     * Flink SQL with 512 MB (and 0.14x instead of 0.21x with the MiniCluster's default 128 MB).
     */
    static final String MANAGED_MEMORY = "512m";

    static final String MANAGED_MEMORY_HELP =
            "Managed memory of the Flink engines' TaskManager (default: ${DEFAULT-VALUE}).";

    static final String STREAM_PARALLELISM_HELP =
            "Flink parallelism of the streaming job (default: 1 with heap state, 2 with RocksDB).";

    @Command(
            name = "batch",
            mixinStandardHelpOptions = true,
            description =
                    "Hourly per-device aggregate of N sensor rows (ZSTD Parquet, daily partitions).")
    static final class Batch implements Callable<Integer> {
        @Option(
                names = "--rows",
                defaultValue = "10000000",
                description = "Rows (default: ${DEFAULT-VALUE}).")
        long rows;

        @Option(
                names = "--parallelism",
                defaultValue = "2",
                description =
                        "Flink parallelism, and java-floor's threads (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--managed-memory",
                defaultValue = MANAGED_MEMORY,
                description = MANAGED_MEMORY_HELP)
        String managedMemory;

        @Option(
                names = "--engines",
                split = ",",
                defaultValue = "duckdb-1,duckdb-all,flink-sql,flowbundle",
                description =
                        "Engines (default: ${DEFAULT-VALUE}); also java-floor: the pipeline's per-row work"
                                + " in plain Java threads, no Flink, result not written (a floor, see docs/PERFORMANCE.md).")
        List<String> engines;

        @Mixin Rounds rounds;

        @Mixin ClassDataArchives.Switch classData;

        @Override
        public Integer call() throws Exception {
            List<Measurement> results =
                    medians(rounds.count(), () -> batch(rows, parallelism, managedMemory, engines));
            report("batch, " + String.format("%,d", rows) + " rows", results, "duckdb-1", "rows");
            save("batch-" + rows, results);
            return 0;
        }
    }

    @Command(
            name = "stream",
            mixinStandardHelpOptions = true,
            description =
                    "N sensor events in a Kafka topic: raw consumer + decode vs the streaming job; latency at a fixed rate.")
    static final class Stream implements Callable<Integer> {
        @Option(
                names = "--events",
                defaultValue = "5000000",
                description = "Events (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(
                names = "--bootstrap",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(names = "--parallelism", description = STREAM_PARALLELISM_HELP)
        Integer parallelism;

        @Option(
                names = "--engines",
                split = ",",
                defaultValue = "raw-consumer,flowbundle-heap,flowbundle-rocksdb",
                description = "Engines (default: ${DEFAULT-VALUE}).")
        List<String> engines;

        @Option(
                names = "--rate",
                defaultValue = "5000",
                description =
                        "Input rate of the latency run, events/s (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--latency-seconds",
                defaultValue = "30",
                description = "Length of the latency run; 0 skips it (default: ${DEFAULT-VALUE}).")
        int latencySeconds;

        @Mixin Rounds rounds;

        @Mixin ClassDataArchives.Switch classData;

        @Override
        public Integer call() throws Exception {
            List<Measurement> results =
                    new ArrayList<>(
                            medians(
                                    rounds.count(),
                                    () -> stream(bootstrap, events, parallelism, engines)));
            if (latencySeconds > 0) {
                recordStreamClassData(bootstrap, "flowbundle-heap", parallelism);
                System.out.printf("latency run: %,d events/s for %d s ...%n", rate, latencySeconds);
                results.add(
                        Workers.run(
                                "3g",
                                "latency",
                                bootstrap,
                                out("latency").toString(),
                                String.valueOf(streamParallelism("flowbundle-heap", parallelism)),
                                String.valueOf(rate),
                                String.valueOf(latencySeconds)));
            }
            report(
                    "stream, " + String.format("%,d", events) + " events",
                    results,
                    "raw-consumer",
                    "events");
            save("stream-" + events, results);
            return 0;
        }
    }

    @Command(
            name = "scale",
            mixinStandardHelpOptions = true,
            description = "Batch and stream at several sizes: a table, JSON and a PNG chart.")
    static final class Scale implements Callable<Integer> {
        @Option(
                names = "--sizes",
                split = ",",
                defaultValue = "1000000,10000000,50000000",
                description = "Sizes (default: ${DEFAULT-VALUE}).")
        List<Long> sizes;

        @Option(
                names = "--bootstrap",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(
                names = "--parallelism",
                defaultValue = "2",
                description = "Flink parallelism of the batch runs (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--managed-memory",
                defaultValue = MANAGED_MEMORY,
                description = MANAGED_MEMORY_HELP)
        String managedMemory;

        @Option(names = "--stream-parallelism", description = STREAM_PARALLELISM_HELP)
        Integer streamParallelism;

        @Mixin ClassDataArchives.Switch classData;

        /** The two halves of a scale run. */
        enum Kind {
            batch,
            stream
        }

        /**
         * {@code scale} for both halves, else {@code scale-batch} or {@code scale-stream}: a run of
         * one half does not overwrite the other half's table and chart.
         */
        static String fileStem(List<Kind> kinds) {
            return new java.util.HashSet<>(kinds).size() == 1 ? "scale-" + kinds.get(0) : "scale";
        }

        @Option(
                names = "--kinds",
                split = ",",
                defaultValue = "batch,stream",
                description =
                        "Which benchmarks to scale: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        List<Kind> kinds;

        @Override
        public Integer call() throws Exception {
            Map<String, Map<Long, Double>> series = new LinkedHashMap<>();
            Map<String, Object> all = new LinkedHashMap<>();
            for (long size : sizes) {
                List<Measurement> batch =
                        kinds.contains(Kind.batch)
                                ? batch(
                                        size,
                                        parallelism,
                                        managedMemory,
                                        List.of("duckdb-1", "flink-sql", "flowbundle"))
                                : List.of();
                List<Measurement> stream =
                        kinds.contains(Kind.stream)
                                ? stream(
                                        bootstrap,
                                        size,
                                        streamParallelism,
                                        List.of("raw-consumer", "flowbundle-heap"))
                                : List.of();
                all.put("batch-" + size, batch);
                all.put("stream-" + size, stream);
                for (Measurement m : batch) {
                    series.computeIfAbsent("batch " + m.engine(), k -> new LinkedHashMap<>())
                            .put(size, m.perSecond());
                }
                for (Measurement m : stream) {
                    series.computeIfAbsent("stream " + m.engine(), k -> new LinkedHashMap<>())
                            .put(size, m.perSecond());
                }
            }
            System.out.printf("%n%-26s", "records/s");
            for (long size : sizes) {
                System.out.printf("%14s", String.format("%,d", size));
            }
            System.out.println();
            series.forEach(
                    (name, bySize) -> {
                        System.out.printf("%-26s", name);
                        for (long size : sizes) {
                            System.out.printf(
                                    "%14s", String.format("%,.0f", bySize.getOrDefault(size, 0.0)));
                        }
                        System.out.println();
                    });
            String stem = fileStem(kinds);
            Path json = STATE.resolve(stem + ".json");
            Files.createDirectories(STATE);
            JSON.writeValue(json.toFile(), all);
            XYChart chart =
                    new XYChartBuilder()
                            .width(900)
                            .height(560)
                            .title(
                                    "flowbundle throughput by input size ("
                                            + Runtime.getRuntime().availableProcessors()
                                            + " cores)")
                            .xAxisTitle("records")
                            .yAxisTitle("records per second")
                            .build();
            chart.getStyler().setXAxisLogarithmic(true);
            series.forEach(
                    (name, bySize) ->
                            chart.addSeries(
                                    name,
                                    bySize.keySet().stream().map(Long::doubleValue).toList(),
                                    new ArrayList<>(bySize.values())));
            Path png = STATE.resolve(stem + ".png");
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
            System.out.println("wrote " + json + " and " + png);
            return 0;
        }
    }

    /**
     * One engine in this JVM; prints its measurement as the last line (used by the commands above).
     */
    @Command(name = "worker", hidden = true)
    static final class Worker implements Callable<Integer> {
        @Parameters List<String> args;

        @Override
        public Integer call() throws Exception {
            Measurement result;
            switch (args.get(0)) {
                case "batch":
                    result =
                            BatchEngines.run(
                                    args.get(1),
                                    Path.of(args.get(2)),
                                    Path.of(args.get(3)),
                                    Long.parseLong(args.get(4)),
                                    Integer.parseInt(args.get(5)),
                                    args.get(6));
                    break;
                case "stream":
                    result =
                            StreamEngines.run(
                                    args.get(1),
                                    args.get(2),
                                    args.get(3),
                                    Long.parseLong(args.get(4)),
                                    Path.of(args.get(5)),
                                    Integer.parseInt(args.get(6)));
                    break;
                default:
                    result =
                            StreamEngines.latency(
                                    args.get(1),
                                    Path.of(args.get(2)),
                                    Integer.parseInt(args.get(3)),
                                    Integer.parseInt(args.get(4)),
                                    Integer.parseInt(args.get(5)));
            }
            // CPU time of the whole worker JVM: steadier than wall time on a busy machine
            Map<String, Object> extra = new TreeMap<>(result.extra());
            extra.put("cpu_s", Math.round(Measurement.processCpuSeconds() * 10) / 10.0);
            result =
                    new Measurement(
                            result.engine(),
                            result.records(),
                            result.seconds(),
                            result.results(),
                            result.peakRssMb(),
                            extra);
            System.out.println(result.toJson());
            return 0;
        }
    }

    /** Input of the unmeasured runs that record the engines' class-data archives. */
    static final long CLASS_DATA_TRAINING_SIZE = 100_000;

    static List<Measurement> batch(
            long rows, int parallelism, String managedMemory, List<String> engines)
            throws Exception {
        for (String engine : engines) {
            if (ClassDataArchives.missing(engine)) {
                long size = CLASS_DATA_TRAINING_SIZE;
                Workers.recordClassData(
                        engine,
                        String.format("%,d rows", size),
                        "6g",
                        "batch",
                        engine,
                        batchData(size).toString(),
                        out("class-data-" + engine).toString(),
                        String.valueOf(size),
                        String.valueOf(parallelism),
                        managedMemory);
            }
        }
        Path data = batchData(rows);
        List<Measurement> results = new ArrayList<>();
        for (String engine : engines) {
            System.out.printf("%s over %,d rows ...%n", engine, rows);
            Path out = out("batch-" + engine);
            results.add(
                    Workers.run(
                            "6g",
                            "batch",
                            engine,
                            data.toString(),
                            out.toString(),
                            String.valueOf(rows),
                            String.valueOf(parallelism),
                            managedMemory));
        }
        long distinct = results.stream().map(Measurement::results).distinct().count();
        if (distinct > 1) {
            throw new IllegalStateException(
                    "engines disagree on the number of result rows: " + results);
        }
        return results;
    }

    /** The benchmark's Parquet input of {@code rows} rows, generated on first use. */
    private static Path batchData(long rows) throws Exception {
        Path data = STATE.resolve("batch-data-" + rows).toAbsolutePath();
        if (!Files.isDirectory(data)) {
            System.out.printf("generating %,d rows into %s ...%n", rows, data);
            long started = System.nanoTime();
            SampleData.writeParquet(data, settings(rows), "zstd");
            System.out.printf("  done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        }
        return data;
    }

    static List<Measurement> stream(
            String bootstrap, long events, Integer parallelism, List<String> engines)
            throws Exception {
        for (String engine : engines) {
            recordStreamClassData(bootstrap, engine, parallelism);
        }
        String topic = topic(events);
        ensureTopic(bootstrap, topic, events);
        List<Measurement> results = new ArrayList<>();
        for (String engine : engines) {
            System.out.printf("%s over %,d events ...%n", engine, events);
            results.add(
                    Workers.run(
                            "4g",
                            "stream",
                            engine,
                            bootstrap,
                            topic,
                            String.valueOf(events),
                            out("stream-" + engine).toString(),
                            String.valueOf(streamParallelism(engine, parallelism))));
        }
        return results;
    }

    /** Records the class-data archive of a streaming engine if it has none, over a small topic. */
    static void recordStreamClassData(String bootstrap, String engine, Integer parallelism)
            throws Exception {
        if (ClassDataArchives.missing(engine)) {
            long size = CLASS_DATA_TRAINING_SIZE;
            String topic = topic(size);
            ensureTopic(bootstrap, topic, size);
            Workers.recordClassData(
                    engine,
                    String.format("%,d events", size),
                    "4g",
                    "stream",
                    engine,
                    bootstrap,
                    topic,
                    String.valueOf(size),
                    out("class-data-" + engine).toString(),
                    String.valueOf(streamParallelism(engine, parallelism)));
        }
    }

    private static String topic(long events) {
        return "bench-events-" + events + "-d" + STREAM_DEVICES;
    }

    /** {@code --repeat}, for the commands that run rounds of engines. */
    static final class Rounds {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(
                names = "--repeat",
                defaultValue = "1",
                description =
                        "Rounds of all engines; each engine's median run is reported (default: ${DEFAULT-VALUE}).")
        int repeat;

        int count() {
            if (repeat < 1) {
                throw new ParameterException(
                        spec.commandLine(), "--repeat must be at least 1, not " + repeat);
            }
            return repeat;
        }
    }

    /** One round of a benchmark: every engine once. */
    interface Round {
        List<Measurement> run() throws Exception;
    }

    /**
     * Runs {@code repeat} rounds and keeps each engine's median run by wall time (the lower middle
     * one of an even count), with the seconds of all its runs as {@code runs_s}: single runs of a
     * short engine move by a quarter on a busy 2-core machine (docs/PERFORMANCE.md).
     */
    static List<Measurement> medians(int repeat, Round round) throws Exception {
        Map<String, List<Measurement>> runs = new LinkedHashMap<>();
        for (int i = 1; i <= repeat; i++) {
            if (repeat > 1) {
                System.out.printf("round %d of %d%n", i, repeat);
            }
            for (Measurement m : round.run()) {
                runs.computeIfAbsent(m.engine(), k -> new ArrayList<>()).add(m);
            }
        }
        List<Measurement> medians = new ArrayList<>();
        for (List<Measurement> engine : runs.values()) {
            List<Measurement> sorted = new ArrayList<>(engine);
            sorted.sort(Comparator.comparingDouble(Measurement::seconds));
            Measurement median = sorted.get((sorted.size() - 1) / 2);
            if (repeat > 1) {
                Map<String, Object> extra = new TreeMap<>(median.extra());
                extra.put(
                        "runs_s",
                        engine.stream().map(m -> Math.round(m.seconds() * 10) / 10.0).toList());
                median =
                        new Measurement(
                                median.engine(),
                                median.records(),
                                median.seconds(),
                                median.results(),
                                median.peakRssMb(),
                                extra);
            }
            medians.add(median);
        }
        return medians;
    }

    /**
     * Devices in the stream benchmark: 1,000 devices over 10 days make hourly windows of about two
     * events per 100 input events, as streaming aggregation is used; the batch benchmark's 20,000
     * devices match the peers' 4.2M groups at 30M rows and would make the stream benchmark measure
     * little but writing results.
     */
    static final int STREAM_DEVICES = 1_000;

    /** Bench data: valid, unique events, so every engine computes the same answer. */
    static SensorEventGenerator.Settings settings(long rows) {
        return SensorEventGenerator.Settings.defaults()
                .withEvents(rows)
                .withSeed(2026)
                .withStart(LocalDate.of(2026, 11, 1))
                .withDays(10)
                .withDevices(20_000)
                .withDuplicates(0)
                .withInvalid(0);
    }

    private static void ensureTopic(String bootstrap, String topic, long events) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
            }
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(
                            p ->
                                    latest.put(
                                            new TopicPartition(topic, p.partition()),
                                            OffsetSpec.latest()));
            long present =
                    admin.listOffsets(latest).all().get().values().stream()
                            .mapToLong(o -> o.offset())
                            .sum();
            if (present == events) {
                return;
            }
            if (present != 0) {
                throw new IllegalStateException(
                        topic
                                + " holds "
                                + present
                                + " records, not "
                                + events
                                + "; delete it (scripts/kafka-local reset) and rerun");
            }
        }
        System.out.printf("producing %,d events into %s ...%n", events, topic);
        new EventProducer(bootstrap, topic, null, null)
                .generate(settings(events).withDevices(STREAM_DEVICES));
    }

    private static Path out(String name) throws Exception {
        Path dir = STATE.resolve("out").resolve(name).toAbsolutePath();
        if (Files.exists(dir)) {
            io.flowbundle.parquet.PartitionCommitter.deleteRecursively(dir);
        }
        Files.createDirectories(dir);
        return dir;
    }

    private static void report(
            String title, List<Measurement> results, String reference, String unit) {
        Measurement base =
                results.stream()
                        .filter(m -> m.engine().equals(reference))
                        .findFirst()
                        .orElse(results.get(0));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%n%s on %d cores (each engine in its own JVM)%n", title, cores);
        System.out.printf(
                "%-20s %12s %14s %12s %10s %10s %s%n",
                "engine", "seconds", unit + "/s", "vs " + reference, "results", "peak RSS", "");
        for (Measurement m : results) {
            System.out.printf(
                    "%-20s %12.1f %14s %11.2fx %10d %8d MB %s%n",
                    m.engine(),
                    m.seconds(),
                    String.format("%,.0f", m.perSecond()),
                    m.perSecond() / base.perSecond(),
                    m.results(),
                    m.peakRssMb(),
                    m.extra().isEmpty() ? "" : m.extra());
        }
    }

    private static void save(String name, List<Measurement> results) throws Exception {
        Files.createDirectories(STATE);
        Path file = STATE.resolve(name + ".json");
        JSON.writeValue(file.toFile(), results);
        System.out.println("wrote " + file);
    }
}
