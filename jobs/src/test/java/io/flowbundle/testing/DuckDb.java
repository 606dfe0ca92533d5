package io.flowbundle.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The independent oracle: an in-process DuckDB that reads the Parquet files our jobs write (and the
 * inputs they read) and recomputes answers with its own SQL engine.
 */
public final class DuckDb implements AutoCloseable {

    private final Connection connection;

    public DuckDb() {
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
            execute("SET TimeZone = 'UTC'");
            execute("SET threads = 2");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code read_parquet('<dir>/**' + '/*.parquet', hive_partitioning = true)}. */
    public static String parquet(Path dir) {
        return "read_parquet('"
                + dir.toAbsolutePath()
                + "/**/*.parquet', hive_partitioning = true, union_by_name = true)";
    }

    public void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Rows as ordered maps of column name to value. */
    public List<Map<String, Object>> query(String sql) {
        return Jdbc.query(connection, sql);
    }

    public long count(String sql) {
        return Jdbc.count(query(sql));
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
