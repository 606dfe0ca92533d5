package io.flowbundle.testing;

import io.flowbundle.sample.SensorEventGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Sample sensor events in and window results out of Kafka topics, for streaming tests. */
public final class SensorTopics {

    private SensorTopics() {}

    /** Generated events as keyed records, in order, and the latest event time among them. */
    public record Events(List<Map.Entry<String, byte[]>> records, long lastEventMillis) {
        public List<Map.Entry<String, byte[]>> firstHalf() {
            return records.subList(0, records.size() / 2);
        }

        public List<Map.Entry<String, byte[]>> secondHalf() {
            return records.subList(records.size() / 2, records.size());
        }
    }

    public static Events generate(SensorEventGenerator.Settings settings) {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        long last = 0;
        while (generator.hasNext()) {
            SensorEventGenerator.Event event = generator.next();
            records.add(Map.entry(event.deviceId(), event.json()));
            last = Math.max(last, event.timestampMillis());
        }
        return new Events(records, last);
    }

    /**
     * One event three hours after the last into every partition: every partition's watermark then
     * passes all real windows, so an unbounded job emits them all.
     */
    public static void flushWindows(
            KafkaBroker kafka, String topic, int partitions, long lastEventMillis)
            throws Exception {
        String timestamp =
                Instant.ofEpochMilli(lastEventMillis + Duration.ofHours(3).toMillis()).toString();
        for (int partition = 0; partition < partitions; partition++) {
            String flush =
                    "{\"id\": \"flush-"
                            + partition
                            + "\", \"type\": \"reading\", \"timestamp\": \""
                            + timestamp
                            + "\", \"device_id\": \"flush\"}";
            kafka.produceTo(topic, partition, List.of(flush.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Polls a topic (read_committed) until its records satisfy {@code done}. */
    public static void await(
            KafkaBroker kafka, String topic, Predicate<List<String>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(kafka.readCommitted(topic))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        topic + " did not reach the expected state within " + timeout);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Window results read from Kafka, written to a JSON Lines file, as a query of the oracle's
     * columns.
     */
    public static String results(List<String> jsonLines, Path file) throws IOException {
        Files.write(file, String.join("\n", jsonLines).getBytes(StandardCharsets.UTF_8));
        return "SELECT device_id, window_start::TIMESTAMP AS window_start, readings, avg_temp"
                + " FROM read_json('"
                + file
                + "', format = 'newline_delimited')";
    }
}
