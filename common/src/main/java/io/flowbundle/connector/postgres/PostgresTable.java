package io.flowbundle.connector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents table: its shape, its creation when missing, and the check that a table already
 * there has that shape. The sink's upsert needs {@code id} unique and every column with the type it
 * writes; a table that differs would fail the job at its first batch, several causes deep, so it is
 * found before the job starts.
 */
final class PostgresTable {

    /** The columns and their types as {@code information_schema.columns.data_type} names them. */
    static final Map<String, String> COLUMNS = columns();

    /**
     * How often creating the table may race another writer creating it (pg_type's unique index).
     */
    private static final int CREATE_ATTEMPTS = 3;

    private PostgresTable() {}

    private static Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "text");
        columns.put("doc", "jsonb");
        columns.put("event_time", "timestamp with time zone");
        columns.put("source", "text");
        columns.put("loaded_at", "timestamp with time zone");
        columns.put("run_id", "text");
        return Collections.unmodifiableMap(columns); // in table order (Map.copyOf has none)
    }

    static String createTable(PostgresTarget target) {
        return "CREATE TABLE IF NOT EXISTS "
                + target.qualifiedTable()
                + " ("
                + "id TEXT PRIMARY KEY, doc JSONB NOT NULL, event_time TIMESTAMPTZ, source TEXT,"
                + " loaded_at TIMESTAMPTZ NOT NULL, run_id TEXT)";
    }

    static String createIndex(PostgresTarget target) {
        return "CREATE INDEX IF NOT EXISTS "
                + target.table()
                + "_doc_gin ON "
                + target.qualifiedTable()
                + " USING GIN (doc)";
    }

    /** The upsert that keeps the first copy of every id. */
    static String insert(PostgresTarget target) {
        return "INSERT INTO "
                + target.qualifiedTable()
                + " (id, doc, event_time, source, loaded_at, run_id)"
                + " VALUES (?, ?::jsonb, ?, ?, now(), ?) ON CONFLICT (id) DO NOTHING";
    }

    /**
     * Creates the table unless it exists, checks its shape, and creates the index on {@code doc}
     * unless it exists; returns what is wrong with the table's shape (empty: the upsert will work,
     * and the index is there).
     */
    static List<String> ensure(Connection connection, PostgresTarget target) throws SQLException {
        execute(connection, createTable(target));
        List<String> problems =
                problems(actualColumns(connection, target), hasUniqueId(connection, target));
        if (problems.isEmpty()) {
            execute(connection, createIndex(target));
        }
        return problems;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                return;
            } catch (SQLException e) {
                // CREATE ... IF NOT EXISTS is not atomic: of two writers racing, one may fail
                boolean raced = "23505".equals(e.getSQLState()) || "42P07".equals(e.getSQLState());
                if (!raced || attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * What is wrong with a table of {@code actual} columns (name to data_type), in words; empty
     * when the upsert will work. Extra columns are fine (they must allow null or have a default,
     * which PostgreSQL itself then checks).
     */
    static List<String> problems(Map<String, String> actual, boolean uniqueId) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> column : COLUMNS.entrySet()) {
            String found = actual.get(column.getKey());
            if (found == null) {
                problems.add("no column " + column.getKey());
            } else if (!found.equals(column.getValue())) {
                problems.add(
                        "column "
                                + column.getKey()
                                + " is "
                                + found
                                + ", not "
                                + column.getValue());
            }
        }
        if (actual.containsKey("id") && !uniqueId) {
            problems.add("id is not its primary key (nor unique)");
        }
        return problems;
    }

    private static Map<String, String> actualColumns(Connection connection, PostgresTarget target)
            throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT column_name, data_type FROM information_schema.columns"
                                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            query.setString(1, target.schema());
            query.setString(2, target.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return columns;
    }

    /** Whether a unique index covers {@code id} alone, as {@code ON CONFLICT (id)} needs. */
    private static boolean hasUniqueId(Connection connection, PostgresTarget target)
            throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT 1 FROM pg_index i JOIN pg_attribute a"
                                + " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                                + " WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indnkeyatts = 1"
                                + " AND a.attname = 'id'")) {
            query.setString(1, target.qualifiedTable());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
