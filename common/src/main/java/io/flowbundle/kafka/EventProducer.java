package io.flowbundle.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowbundle.sample.SensorEventGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes events into a topic in order, keyed by {@code device_id} (so one device's events stay in
 * one partition, in order), at an optional fixed rate, printing progress. Record timestamps are
 * left to the broker (append time of creation), never the event time: the sample data is dated, and
 * Kafka's retention would delete "old" events at once.
 */
public final class EventProducer {

    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    /** What was produced. */
    public record Result(long records, double seconds) {}

    private final String bootstrap;
    private final Map<String, String> properties;
    private final String topic;
    private final Double rate;
    private final PrintStream progress;
    private final JsonFactory json = new JsonFactory();

    public EventProducer(String bootstrap, String topic, Double rate, PrintStream progress) {
        this(bootstrap, Map.of(), topic, rate, progress);
    }

    /**
     * @param properties Kafka client properties (security settings, ...) on top of the producer's
     *     own
     */
    public EventProducer(
            String bootstrap,
            Map<String, String> properties,
            String topic,
            Double rate,
            PrintStream progress) {
        this.bootstrap = bootstrap;
        this.properties = Map.copyOf(properties);
        this.topic = topic;
        this.rate = rate;
        this.progress = progress;
    }

    public Result generate(SensorEventGenerator.Settings settings) {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        return produce(
                new Feed() {
                    @Override
                    public boolean next(
                            AtomicReference<String> key, AtomicReference<byte[]> value) {
                        if (!generator.hasNext()) {
                            return false;
                        }
                        SensorEventGenerator.Event event = generator.next();
                        key.set(event.deviceId());
                        value.set(event.json());
                        return true;
                    }
                });
    }

    public Result replay(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return produce(
                    (key, value) -> {
                        String line = reader.readLine();
                        if (line == null) {
                            return false;
                        }
                        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                        key.set(deviceId(bytes));
                        value.set(bytes);
                        return true;
                    });
        }
    }

    /** The next record to send; returns false at the end. */
    private interface Feed {
        boolean next(AtomicReference<String> key, AtomicReference<byte[]> value) throws IOException;
    }

    private Result produce(Feed feed) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putAll(properties);
        // what the records are made of is this producer's business
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicReference<String> key = new AtomicReference<>();
        AtomicReference<byte[]> value = new AtomicReference<>();
        long started = System.nanoTime();
        long lastProgress = started;
        long count = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            while (feed.next(key, value)) {
                producer.send(
                        new ProducerRecord<>(topic, key.get(), value.get()),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                count++;
                if (failure.get() != null) {
                    break;
                }
                long now = System.nanoTime();
                if (rate != null) {
                    long due = started + (long) (count / rate * 1e9);
                    if (due > now) {
                        Thread.sleep((due - now) / 1_000_000L, (int) ((due - now) % 1_000_000L));
                    }
                }
                if (progress != null && now - lastProgress > PROGRESS_EVERY_NANOS) {
                    lastProgress = now;
                    progress.printf(
                            "  %,d records sent (%.0f/s)%n",
                            count, count / ((now - started) / 1e9));
                }
            }
            producer.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the input: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "producing to "
                            + topic
                            + " at "
                            + bootstrap
                            + " failed: "
                            + failure.get().getMessage(),
                    failure.get());
        }
        return new Result(count, (System.nanoTime() - started) / 1e9);
    }

    /** The top-level device_id of a JSON record, or null if there is none (or it is not JSON). */
    private String deviceId(byte[] record) {
        try (JsonParser parser = json.createParser(record)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("device_id") && token == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
