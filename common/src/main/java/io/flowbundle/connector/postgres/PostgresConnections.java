package io.flowbundle.connector.postgres;

import io.flowbundle.config.Secrets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Connections to the server of a postgres sink, with every wait bounded: without {@code
 * connectTimeout}, {@code loginTimeout} and {@code socketTimeout} the driver waits for a server
 * that does not answer as long as the operating system lets it.
 */
final class PostgresConnections {

    private PostgresConnections() {}

    static Connection open(
            PostgresTarget target, String user, String password, Duration connect, Duration socket)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", seconds(connect));
        props.setProperty("loginTimeout", seconds(connect));
        props.setProperty("socketTimeout", seconds(socket));
        props.setProperty("ApplicationName", "flowbundle");
        // a batch of N inserts becomes a few multi-row statements: one round trip, not N
        props.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    /** The first line of the driver's message, with any secret masked. */
    static String reason(SQLException e) {
        e = cause(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int end = message.indexOf('\n');
        return Secrets.redact((end < 0 ? message : message.substring(0, end)).strip());
    }

    /** True when the server could not be reached or stopped answering (SQLSTATE class 08). */
    static boolean isConnectionFailure(SQLException e) {
        e = cause(e);
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** True when the server refused the credentials. */
    static boolean isLoginRefused(SQLException e) {
        e = cause(e);
        return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
    }

    /**
     * The error that says why: a failed batch reports "Batch entry 0 ... was aborted" and chains
     * the server's error behind it.
     */
    static SQLException cause(SQLException e) {
        return e instanceof BatchUpdateException && e.getNextException() != null
                ? e.getNextException()
                : e;
    }

    private static String seconds(Duration duration) {
        return String.valueOf(Math.max(1, duration.toSeconds()));
    }
}
