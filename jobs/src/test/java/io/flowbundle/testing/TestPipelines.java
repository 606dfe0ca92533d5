package io.flowbundle.testing;

import io.flowbundle.config.RuntimeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Pipeline specs and runtime configs for tests, written into a test's temp folder. */
public final class TestPipelines {

    /** The repository's conf/ folder (tests run with the module folder as working directory). */
    public static final Path CONF = Path.of("..", "conf").toAbsolutePath().normalize();

    public static final String HOURLY_SQL =
            "SELECT device_id, window_start, window_end, COUNT(*) AS readings,"
                    + " AVG(temperature_c) AS avg_temp\n"
                    + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(`timestamp`), INTERVAL '1' HOUR))\n"
                    + "GROUP BY device_id, window_start, window_end";

    private TestPipelines() {}

    /** The sensor-hourly batch pipeline over {@code source}, writing under {@code out}. */
    public static Path sensorHourly(Path dir, Path source, Path out) {
        return write(
                dir.resolve("sensor-hourly.yaml"),
                "name: sensor-hourly\n"
                        + "contract: "
                        + CONF.resolve("contracts/sensor_events.yaml")
                        + "\n"
                        + "source: {type: parquet, path: "
                        + source
                        + "}\n"
                        + "event_time: timestamp\n"
                        + "dedupe: {key: id, retention: 1h}\n"
                        + "transform: |\n"
                        + indent(HOURLY_SQL)
                        + "\n"
                        + "output_contract: "
                        + CONF.resolve("contracts/sensor_hourly.yaml")
                        + "\n"
                        + "sink: {type: parquet, path: "
                        + out.resolve("sensor-hourly")
                        + ", partition_by: [window_date]}\n"
                        + "quarantine: "
                        + out.resolve("quarantine")
                        + "\n"
                        + "staging: {path: "
                        + out.resolve("staging")
                        + ", partition_by: [date]}\n");
    }

    /**
     * The sensor-daily batch pipeline (conf/pipelines/sensor-daily.yaml: its contracts and SQL)
     * over the curated hourly output {@code hourly}, writing under {@code out}.
     */
    public static Path sensorDaily(Path dir, Path hourly, Path out) {
        return write(
                dir.resolve("sensor-daily.yaml"),
                "name: sensor-daily\n"
                        + "contract: "
                        + CONF.resolve("contracts/sensor_hourly.yaml")
                        + "\n"
                        + "source: {type: parquet, path: "
                        + hourly
                        + ", date_partition: window_date}\n"
                        + "event_time: window_start\n"
                        + "transform: {file: "
                        + CONF.resolve("sql/sensor-daily.sql")
                        + "}\n"
                        + "output_contract: "
                        + CONF.resolve("contracts/sensor_daily.yaml")
                        + "\n"
                        + "sink: {type: parquet, path: "
                        + out.resolve("sensor-daily")
                        + ", partition_by: [window_date]}\n"
                        + "quarantine: "
                        + out.resolve("quarantine-daily")
                        + "\n");
    }

    /**
     * The streaming spec of sensor-hourly: the same contract and SQL, Kafka in, Kafka and Parquet
     * out, dead letters to {@code <topic>-dlq}, landing under {@code dir/stream/landing}.
     */
    public static Path sensorHourlyStream(Path dir, String bootstrap, String topic) {
        Path out = dir.resolve("stream");
        return write(
                dir.resolve("stream-spec.yaml"),
                "name: sensor-hourly-"
                        + topic
                        + "\n"
                        + "contract: "
                        + CONF.resolve("contracts/sensor_events.yaml")
                        + "\n"
                        + "source: {type: kafka, topic: "
                        + topic
                        + ", bootstrap: '"
                        + bootstrap
                        + "', group: g-"
                        + topic
                        + ", start: earliest}\n"
                        + "event_time: timestamp\n"
                        + "watermark: {max_out_of_orderness: 10s}\n"
                        + "dedupe: {key: id, retention: 1h}\n"
                        + "transform: |\n"
                        + indent(HOURLY_SQL)
                        + "\n"
                        + "output_contract: "
                        + CONF.resolve("contracts/sensor_hourly.yaml")
                        + "\n"
                        + "sink:\n"
                        + "  - {type: kafka, topic: "
                        + topic
                        + "-out, bootstrap: '"
                        + bootstrap
                        + "'}\n"
                        + "  - {type: parquet, path: "
                        + out.resolve("hourly")
                        + ", partition_by: [window_date]}\n"
                        + "quarantine: {type: kafka, topic: "
                        + topic
                        + "-dlq, bootstrap: '"
                        + bootstrap
                        + "'}\n"
                        + "staging: {path: "
                        + out.resolve("landing")
                        + "}\n");
    }

    /** Runtime settings of a streaming test: fast checkpoints into the test's folder. */
    public static RuntimeConfig streaming(Path dir) {
        RuntimeConfig base = runtime(dir);
        Map<String, String> flink = new java.util.HashMap<>(base.flink());
        flink.put("execution.checkpointing.interval", "1 s");
        flink.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        return new RuntimeConfig(base.auditLog(), base.actor(), Map.copyOf(flink), null, null);
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    /** Audit log in the temp folder; two slots, small managed memory (tests share one cluster). */
    public static RuntimeConfig runtime(Path dir) {
        return new RuntimeConfig(
                dir.resolve("audit/audit.jsonl"),
                "test",
                Map.of("parallelism.default", "2"),
                null,
                null);
    }
}
