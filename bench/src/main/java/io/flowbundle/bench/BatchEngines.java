package io.flowbundle.bench;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.jobs.BatchRun;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * The batch benchmark's engines, each computing the hourly per-device aggregate (readings, average
 * temperature) of the same Parquet files into Parquet:
 *
 * <ul>
 *   <li>{@code flowbundle}: the whole pipeline: schema check, contract validation, dedupe, the SQL,
 *       output contract, partitioned write and commit, audit and lineage;
 *   <li>{@code flink-sql}: the same SQL as bare Flink SQL (filesystem source and sink), the same
 *       parallelism and managed memory: what governance costs;
 *   <li>{@code duckdb-1} / {@code duckdb-all}: DuckDB in-process with one thread / all cores;
 *   <li>{@code java-floor} (only when named): the pipeline's per-row work hand-fused in plain Java
 *       threads, without Flink and without writing the result ({@link JavaFloor}).
 * </ul>
 */
final class BatchEngines {

    static final String HOURLY_SQL_DUCKDB =
            "SELECT device_id, time_bucket(INTERVAL 1 HOUR, \"timestamp\") AS window_start,"
                    + " time_bucket(INTERVAL 1 HOUR, \"timestamp\") + INTERVAL 1 HOUR AS window_end,"
                    + " count(*) AS readings, avg(temperature_c) AS avg_temp"
                    + " FROM read_parquet('%s/**/*.parquet', hive_partitioning = false) GROUP BY ALL";

    private BatchEngines() {}

    static Measurement run(
            String engine, Path data, Path out, long rows, int parallelism, String managedMemory)
            throws Exception {
        Map<String, String> flink = flinkSettings(parallelism, managedMemory);
        switch (engine) {
            case "flowbundle":
                return flowbundle(data, out, rows, flink);
            case "flink-sql":
                return flinkSql(data, out, rows, flink);
            case "java-floor":
                return JavaFloor.run(
                        data, rows, parallelism, Path.of("conf/contracts/sensor_events.yaml"));
            case "duckdb-1":
                return duckdb(engine, data, out, rows, 1);
            case "duckdb-all":
                return duckdb(engine, data, out, rows, Runtime.getRuntime().availableProcessors());
            default:
                throw new IllegalArgumentException("unknown batch engine " + engine);
        }
    }

    private static Measurement flowbundle(Path data, Path out, long rows, Map<String, String> flink)
            throws Exception {
        Path conf = Path.of("conf").toAbsolutePath();
        Path spec = out.resolve("bench-hourly.yaml");
        Files.createDirectories(out);
        Files.writeString(
                spec,
                "name: bench-hourly\n"
                        + "contract: "
                        + conf.resolve("contracts/sensor_events.yaml")
                        + "\n"
                        + "source: {type: parquet, path: "
                        + data
                        + "}\n"
                        + "event_time: timestamp\n"
                        + "dedupe: {key: id, retention: 1h}\n"
                        + "transform: {file: "
                        + conf.resolve("sql/sensor-hourly.sql")
                        + "}\n"
                        + "output_contract: "
                        + conf.resolve("contracts/sensor_hourly.yaml")
                        + "\n"
                        + "sink: {type: parquet, path: "
                        + out.resolve("hourly")
                        + ", partition_by: [window_date]}\n"
                        + "quarantine: "
                        + out.resolve("quarantine")
                        + "\n");
        PipelineSpec pipeline = SpecLoader.load(spec);
        RuntimeConfig config =
                new RuntimeConfig(out.resolve("audit/audit.jsonl"), "bench", flink, null, null);
        long started = System.nanoTime();
        BatchRun.Summary summary = new BatchRun(pipeline, config, null).run();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (summary.counts().consumed() != rows) {
            throw new IllegalStateException(
                    "flowbundle read " + summary.counts().consumed() + " of " + rows + " rows");
        }
        return new Measurement(
                "flowbundle",
                rows,
                seconds,
                summary.counts().loaded(),
                Measurement.currentPeakRssMb(),
                Measurement.extra(
                        "job_seconds",
                        summary.took().toMillis() / 1000.0,
                        "managed_memory",
                        flink.get("taskmanager.memory.managed.size"),
                        "rejected",
                        summary.counts().rejectedOnInput(),
                        "duplicates",
                        summary.counts().duplicates()));
    }

    private static Measurement flinkSql(Path data, Path out, long rows, Map<String, String> flink)
            throws Exception {
        Configuration conf = Configuration.fromMap(flink);
        TableEnvironment tables =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(conf)
                                .build());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tables.executeSql(
                "CREATE TABLE events (id STRING, `timestamp` TIMESTAMP(3), device_id STRING,"
                        + " temperature_c DOUBLE) WITH ('connector' = 'filesystem', 'path' = '"
                        + data.toUri()
                        + "', 'format' = 'parquet', 'parquet.utc-timezone' = 'true')");
        tables.executeSql(
                "CREATE TABLE hourly (device_id STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),"
                        + " readings BIGINT, avg_temp DOUBLE) WITH ('connector' = 'filesystem', 'path' = '"
                        + out.resolve("flink-sql").toUri()
                        + "', 'format' = 'parquet',"
                        + " 'parquet.write.int64.timestamp' = 'true', 'parquet.timestamp.time.unit' = 'micros',"
                        + " 'parquet.utc-timezone' = 'true')");
        String sql = Files.readString(Path.of("conf/sql/sensor-hourly.sql"));
        long started = System.nanoTime();
        tables.executeSql("INSERT INTO hourly " + sql).await();
        double seconds = (System.nanoTime() - started) / 1e9;
        long results =
                duckdbCount(
                        "SELECT count(*) FROM read_parquet('" + out.resolve("flink-sql") + "/**')");
        return new Measurement(
                "flink-sql",
                rows,
                seconds,
                results,
                Measurement.currentPeakRssMb(),
                Measurement.extra("managed_memory", flink.get("taskmanager.memory.managed.size")));
    }

    private static Measurement duckdb(String engine, Path data, Path out, long rows, int threads)
            throws Exception {
        Files.createDirectories(out);
        Path target = out.resolve(engine + ".parquet");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + threads);
            statement.execute("SET TimeZone = 'UTC'");
            long started = System.nanoTime();
            statement.execute(
                    "COPY ("
                            + String.format(HOURLY_SQL_DUCKDB, data)
                            + ") TO '"
                            + target
                            + "' (FORMAT PARQUET, COMPRESSION SNAPPY)");
            double seconds = (System.nanoTime() - started) / 1e9;
            long results;
            try (ResultSet count =
                    statement.executeQuery("SELECT count(*) FROM read_parquet('" + target + "')")) {
                count.next();
                results = count.getLong(1);
            }
            return new Measurement(
                    engine,
                    rows,
                    seconds,
                    results,
                    Measurement.currentPeakRssMb(),
                    Measurement.extra("threads", threads));
        }
    }

    private static long duckdbCount(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The same Flink settings for flowbundle and bare Flink SQL. */
    static Map<String, String> flinkSettings(int parallelism, String managedMemory) {
        return Map.of(
                "parallelism.default",
                String.valueOf(parallelism),
                "taskmanager.memory.managed.size",
                managedMemory,
                "taskmanager.network.compression.codec",
                "NONE");
    }
}
