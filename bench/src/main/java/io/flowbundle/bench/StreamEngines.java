package io.flowbundle.bench;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.jobs.StreamRun;
import io.flowbundle.operators.DecodeException;
import io.flowbundle.operators.JsonRowDecoder;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The streaming benchmark's engines over one topic: a raw KafkaConsumer decoding every record with
 * the same JSON decoder (one thread: the baseline), and the flowbundle streaming job (parse,
 * validate, dedupe, hourly windows, exactly-once Kafka sink) in bounded mode with heap or RocksDB
 * state; plus an end-to-end latency run at a fixed input rate.
 */
final class StreamEngines {

    private StreamEngines() {}

    static Measurement run(
            String engine, String bootstrap, String topic, long events, Path out, int parallelism)
            throws Exception {
        switch (engine) {
            case "raw-consumer":
                return rawConsumer(bootstrap, topic, events);
            case "flowbundle-heap":
                return flowbundle(engine, bootstrap, topic, events, out, parallelism, "hashmap");
            case "flowbundle-rocksdb":
                return flowbundle(engine, bootstrap, topic, events, out, parallelism, "rocksdb");
            default:
                throw new IllegalArgumentException("unknown stream engine " + engine);
        }
    }

    private static Measurement rawConsumer(String bootstrap, String topic, long events)
            throws Exception {
        JsonRowDecoder decoder = new JsonRowDecoder(contractType());
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        long decoded = 0;
        long failed = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (decoded + failed < events) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    try {
                        decoder.decode(record.value());
                        decoded++;
                    } catch (DecodeException e) {
                        failed++;
                    }
                }
                boolean done = true;
                for (TopicPartition partition : partitions) {
                    done &= consumer.position(partition) >= end.get(partition);
                }
                if (done) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Measurement(
                "raw-consumer",
                decoded + failed,
                seconds,
                decoded,
                Measurement.currentPeakRssMb(),
                Measurement.extra("threads", 1));
    }

    private static Measurement flowbundle(
            String engine,
            String bootstrap,
            String topic,
            long events,
            Path out,
            int parallelism,
            String backend)
            throws Exception {
        Path spec =
                streamSpec(
                        out.resolve(engine),
                        bootstrap,
                        topic,
                        "bench-" + engine + "-" + System.nanoTime(),
                        "{file: " + Path.of("conf/sql/sensor-hourly.sql").toAbsolutePath() + "}",
                        "10s");
        RuntimeConfig config =
                new RuntimeConfig(
                        out.resolve(engine).resolve("audit.jsonl"),
                        "bench",
                        Map.of(
                                "parallelism.default",
                                String.valueOf(parallelism),
                                "taskmanager.memory.managed.size",
                                "512m",
                                "state.backend.type",
                                backend,
                                "execution.checkpointing.interval",
                                "10 s",
                                "execution.checkpointing.dir",
                                out.resolve(engine).resolve("checkpoints").toUri().toString()),
                        null,
                        null);
        PipelineSpec pipeline = SpecLoader.load(spec);
        long started = System.nanoTime();
        StreamRun.Summary summary =
                new StreamRun(pipeline, config, true, Duration.ofSeconds(30)).run();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (summary.counts().consumed() != events) {
            throw new IllegalStateException(
                    engine + " consumed " + summary.counts().consumed() + " of " + events);
        }
        return new Measurement(
                engine,
                events,
                seconds,
                summary.counts().loaded(),
                Measurement.currentPeakRssMb(),
                Measurement.extra(
                        "parallelism",
                        parallelism,
                        "state_backend",
                        backend,
                        "duplicates",
                        summary.counts().duplicates(),
                        "late",
                        summary.counts().late()));
    }

    /**
     * End-to-end latency at a fixed rate: events stamped with the wall clock go in at {@code rate}
     * per second for {@code seconds}; one-second windows come out of the exactly-once sink; each
     * window's latency is the time from its end (its last event's append) until a read_committed
     * consumer sees its result, for windows ending after a warm-up. Includes the watermark bound
     * and the wait for the next checkpoint, which is when transactions commit.
     */
    static Measurement latency(String bootstrap, Path out, int parallelism, int rate, int seconds)
            throws Exception {
        // logging set up before the job, producer and consumer threads first log at once (SLF4J
        // otherwise drops their first calls and warns about substitute loggers)
        org.slf4j.LoggerFactory.getILoggerFactory();
        String topic = "bench-latency-" + System.currentTimeMillis();
        // the job checks that its source topic exists before it starts
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        Path spec =
                streamSpec(
                        out.resolve("latency"),
                        bootstrap,
                        topic,
                        "bench-latency",
                        "|\n  SELECT device_id, window_start, window_end, COUNT(*) AS readings, AVG(temperature_c) AS avg_temp\n"
                                + "  FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(`timestamp`), INTERVAL '1' SECOND))\n"
                                + "  GROUP BY device_id, window_start, window_end",
                        "200ms");
        RuntimeConfig config =
                new RuntimeConfig(
                        out.resolve("latency").resolve("audit.jsonl"),
                        "bench",
                        Map.of(
                                "parallelism.default",
                                String.valueOf(parallelism),
                                "execution.checkpointing.interval",
                                LATENCY_CHECKPOINT_MS + " ms",
                                "execution.checkpointing.dir",
                                out.resolve("latency").resolve("checkpoints").toUri().toString(),
                                "pipeline.auto-watermark-interval",
                                "50 ms"),
                        null,
                        null);
        PipelineSpec pipeline = SpecLoader.load(spec);
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Thread job =
                new Thread(
                        () -> new StreamRun(pipeline, config, false, Duration.ofSeconds(60)).run(),
                        "latency-job");
        job.setDaemon(true);
        job.start();
        // windows that end before the warm-up is over measure the job's start-up, not its latency
        long measureFrom = System.currentTimeMillis() + WARM_UP.toMillis();
        Thread reader =
                new Thread(
                        () ->
                                readLatencies(
                                        bootstrap, topic + "-out", stop, latencies, measureFrom),
                        "latency-reader");
        reader.start();
        long produced = produceAtRate(bootstrap, topic, rate, (int) WARM_UP.toSeconds() + seconds);
        Thread.sleep(5_000);
        stop.set(true);
        reader.join();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            throw new IllegalStateException("no window results arrived");
        }
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99)));
        return new Measurement(
                "latency",
                produced,
                seconds,
                sorted.size(),
                Measurement.currentPeakRssMb(),
                Measurement.extra(
                        "rate",
                        rate,
                        "p50_ms",
                        p50,
                        "p99_ms",
                        p99,
                        "max_ms",
                        sorted.get(sorted.size() - 1),
                        "checkpoint_ms",
                        LATENCY_CHECKPOINT_MS,
                        "watermark_bound_ms",
                        200));
    }

    private static long produceAtRate(String bootstrap, String topic, int rate, int seconds)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long count = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                String device = "device-" + (count % 50);
                String json =
                        "{\"id\":\"lat-"
                                + count
                                + "\",\"type\":\"reading\",\"timestamp\":\""
                                + Instant.now()
                                + "\",\"device_id\":\""
                                + device
                                + "\",\"temperature_c\":21.5}";
                producer.send(
                        new ProducerRecord<>(topic, device, json.getBytes(StandardCharsets.UTF_8)));
                count++;
                long due = start + (long) (count * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
            }
        }
        return count;
    }

    private static final Duration WARM_UP = Duration.ofSeconds(30);

    /**
     * Checkpoints of the latency run, not a divisor or multiple of its one-second windows: results
     * become visible at the checkpoint after they are written, and with 1 s checkpoints every
     * window met the checkpoint cycle at the same phase, so one run's latencies were nearly equal
     * and its p50 was that run's phase (0.67 s to 1.33 s in three runs). With 900 ms the phase
     * moves 100 ms per window and a 30 s measurement covers every phase three times.
     */
    private static final int LATENCY_CHECKPOINT_MS = 900;

    private static void readLatencies(
            String bootstrap,
            String topic,
            AtomicBoolean stop,
            List<Long> latencies,
            long measureFrom) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-reader");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    long end =
                            Instant.parse(json.readTree(record.value()).get("window_end").asText())
                                    .toEpochMilli();
                    if (end >= measureFrom) {
                        latencies.add(now - end);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading results failed: " + e.getMessage(), e);
        }
    }

    private static Path streamSpec(
            Path dir, String bootstrap, String topic, String group, String transform, String bound)
            throws Exception {
        Path conf = Path.of("conf").toAbsolutePath();
        Files.createDirectories(dir);
        return Files.writeString(
                dir.resolve("spec.yaml"),
                "name: "
                        + group.replaceAll("[^A-Za-z0-9_.-]", "-")
                        + "\n"
                        + "contract: "
                        + conf.resolve("contracts/sensor_events.yaml")
                        + "\n"
                        + "source: {type: kafka, topic: "
                        + topic
                        + ", bootstrap: '"
                        + bootstrap
                        + "', group: "
                        + group
                        + ", start: earliest}\n"
                        + "event_time: timestamp\n"
                        + "watermark: {max_out_of_orderness: "
                        + bound
                        + "}\n"
                        + "dedupe: {key: id, retention: 1h}\n"
                        + "transform: "
                        + transform
                        + "\n"
                        + "output_contract: "
                        + conf.resolve("contracts/sensor_hourly.yaml")
                        + "\n"
                        + "sink: {type: kafka, topic: "
                        + topic
                        + "-out, bootstrap: '"
                        + bootstrap
                        + "'}\n"
                        + "quarantine: {type: kafka, topic: "
                        + topic
                        + "-dlq, bootstrap: '"
                        + bootstrap
                        + "'}\n");
    }

    private static org.apache.flink.table.types.logical.RowType contractType() {
        return ContractLoader.load(Path.of("conf/contracts/sensor_events.yaml"))
                .rowType("timestamp");
    }
}
