import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * The query runner of scripts/postgres-local psql when no psql client is installed: runs each SQL
 * statement given (arguments, or one per line on standard input) and prints rows tab-separated
 * with a header. Run as a single-file program: java -cp postgresql.jar Query.java URL USER PWFILE [SQL...]
 */
public class Query {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        props.setProperty("password", Files.readString(Path.of(args[2])).strip());
        props.setProperty("connectTimeout", "10");
        try (Connection connection = DriverManager.getConnection(args[0], props)) {
            if (args.length > 3) {
                for (int i = 3; i < args.length; i++) {
                    run(connection, args[i]);
                }
            } else {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        run(connection, line);
                    }
                }
            }
        }
    }

    private static void run(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                System.out.println("OK (" + statement.getUpdateCount() + ")");
                return;
            }
            try (ResultSet rows = statement.getResultSet()) {
                ResultSetMetaData meta = rows.getMetaData();
                StringJoiner header = new StringJoiner("\t");
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    header.add(meta.getColumnLabel(i));
                }
                System.out.println(header);
                while (rows.next()) {
                    StringJoiner row = new StringJoiner("\t");
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.add(String.valueOf(rows.getString(i)));
                    }
                    System.out.println(row);
                }
            }
        }
    }
}
