package io.flowbundle.connector.postgres;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.connector.Preflight;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Before a job is built: the server answers, takes the credentials, and every table the spec names
 * exists with the documents' shape (created, with its index, when missing). Without this a wrong
 * password or a table of another shape fails the job at its first batch, after the cluster has
 * started, several causes deep. One check per server and user, shared by every sink naming it.
 */
final class PostgresPreflight implements Preflight.Check {

    /** A table the spec names, and the spec key that names it. */
    record Table(String key, PostgresTarget target) {}

    private final PostgresTarget server;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final List<Table> tables = new ArrayList<>();

    private PostgresPreflight(
            PostgresTarget server, String user, String password, Duration timeout) {
        this.server = server;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
    }

    /**
     * The check of {@code spec}'s server and user within {@code preflight}, with its table added.
     */
    static void add(Preflight preflight, PostgresSinkSpec spec, String key) {
        PostgresPreflight check =
                preflight.check(
                        List.of(PostgresPreflight.class, spec.target().jdbcUrl(), spec.user()),
                        () ->
                                new PostgresPreflight(
                                        spec.target(),
                                        spec.user(),
                                        spec.password(),
                                        preflight.timeout()));
        check.tables.add(new Table(key, spec.target()));
    }

    @Override
    public void run(Path specFile) {
        String keys = tables.stream().map(Table::key).distinct().collect(Collectors.joining(", "));
        String where = specFile + ": " + keys + ": ";
        try (Connection connection =
                PostgresConnections.open(server, user, password, timeout, timeout)) {
            for (Table table : tables) {
                List<String> problems = PostgresTable.ensure(connection, table.target());
                if (!problems.isEmpty()) {
                    throw new UsageException(shapeError(specFile.toString(), table, problems));
                }
            }
        } catch (SQLException e) {
            throw new FlowbundleException(failure(where, e), e);
        }
    }

    /** One line: which key, which table, what is wrong with it, and what to do. */
    static String shapeError(String file, Table table, List<String> problems) {
        return file
                + ": "
                + table.key()
                + ".table: table "
                + table.target().qualifiedTable()
                + " on "
                + table.target().server()
                + "/"
                + table.target().database()
                + " is not a documents table ("
                + String.join("; ", problems)
                + "): name another table, or drop or rename this one so the"
                + " sink creates it (id TEXT PRIMARY KEY, doc JSONB, event_time TIMESTAMPTZ, source TEXT,"
                + " loaded_at TIMESTAMPTZ, run_id TEXT)";
    }

    private String failure(String where, SQLException e) {
        String reason = PostgresConnections.reason(e);
        String keys = tables.stream().map(Table::key).distinct().collect(Collectors.joining("/"));
        if (PostgresConnections.isLoginRefused(e)) {
            return where
                    + "PostgreSQL at "
                    + server.server()
                    + " refused user '"
                    + user
                    + "' ("
                    + reason
                    + "): check "
                    + keys
                    + ".user and the variable or file "
                    + keys
                    + ".password refers to";
        }
        if (PostgresConnections.isConnectionFailure(e)) {
            return where
                    + "no answer from PostgreSQL at "
                    + server.server()
                    + " within "
                    + timeout.toSeconds()
                    + " s ("
                    + reason
                    + "): is the server running (scripts/postgres-local start) and is "
                    + keys
                    + ".url right?";
        }
        if ("3D000".equals(e.getSQLState())) {
            return where
                    + "PostgreSQL at "
                    + server.server()
                    + " has no database '"
                    + server.database()
                    + "' ("
                    + reason
                    + "): create it or correct "
                    + keys
                    + ".url";
        }
        return where + "PostgreSQL at " + server.server() + ": " + reason;
    }
}
