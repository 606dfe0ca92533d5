package io.flowbundle.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The sensor-hourly pipeline written independently in DuckDB's SQL: the contract's rules, dedupe by
 * id and hourly windows per device, over the raw input. Results of our jobs must match it.
 */
public final class SensorOracle {

    private static final String ORACLE =
            "WITH raw AS (SELECT * FROM read_parquet('%s', hive_partitioning = false)),\n"
                    + " valid AS (SELECT * FROM raw WHERE id IS NOT NULL AND type IN ('reading', 'heartbeat')\n"
                    + "   AND \"timestamp\" IS NOT NULL AND device_id IS NOT NULL\n"
                    + "   AND (temperature_c IS NULL OR temperature_c BETWEEN -50 AND 100)\n"
                    + "   AND (humidity_percent IS NULL OR humidity_percent BETWEEN 0 AND 100)),\n"
                    + " deduped AS (SELECT DISTINCT ON (id) * FROM valid)\n"
                    + "SELECT device_id, time_bucket(INTERVAL 1 HOUR, \"timestamp\") AS window_start,\n"
                    + "  count(*) AS readings, avg(temperature_c) AS avg_temp FROM deduped GROUP BY ALL";

    private SensorOracle() {}

    /** The expected results over the Parquet files matched by {@code inputGlob}. */
    public static String expected(String inputGlob) {
        return String.format(ORACLE, inputGlob);
    }

    /** Asserts that {@code actual} (a query) has exactly the rows of {@code expected} (a query). */
    public static void assertSameResults(DuckDb duck, String actual, String expected) {
        long actualCount = duck.count("SELECT count(*) FROM (" + actual + ")");
        long expectedCount = duck.count("SELECT count(*) FROM (" + expected + ")");
        assertThat(actualCount).as("result rows").isPositive().isEqualTo(expectedCount);
        long mismatches =
                duck.count(
                        "SELECT count(*) FROM ("
                                + actual
                                + ") o FULL OUTER JOIN ("
                                + expected
                                + ") r"
                                + " USING (device_id, window_start)"
                                + " WHERE o.readings IS DISTINCT FROM r.readings"
                                + " OR abs(o.avg_temp - r.avg_temp) > 1e-9"
                                + " OR (o.avg_temp IS NULL) <> (r.avg_temp IS NULL)");
        assertThat(mismatches).as("rows that differ").isZero();
    }

    /**
     * Asserts that the hourly results written under {@code results} are the oracle's answer over
     * the Parquet files under {@code input}, in a DuckDB of its own.
     */
    public static void assertMatchesInput(Path results, Path input) throws SQLException {
        try (DuckDb duck = new DuckDb()) {
            assertSameResults(duck, results(results), expected(input + "/**/*.parquet"));
        }
    }

    /** Our results in a Parquet folder, as the oracle's columns. */
    public static String results(Path dir) {
        return "SELECT device_id, window_start, readings, avg_temp FROM " + DuckDb.parquet(dir);
    }
}
