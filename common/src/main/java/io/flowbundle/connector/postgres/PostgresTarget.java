package io.flowbundle.connector.postgres;

import io.flowbundle.connector.ConnectorOptions;
import io.flowbundle.lineage.Datasets;
import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a postgres sink writes: the server, the database and the table, read from {@code url} and
 * {@code table}. Credentials are never part of it, so it may be printed, audited and sent to
 * lineage as it is.
 *
 * @param jdbcUrl the {@code url} as declared (its parameters included, none of them credentials)
 */
public record PostgresTarget(
        String jdbcUrl, String host, int port, String database, String schema, String table)
        implements Serializable {

    public static final int DEFAULT_PORT = 5432;

    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://([^/:?\\[\\]]+)(?::(\\d{1,5}))?/([^/?]+)(\\?.*)?");

    /** Unquoted PostgreSQL identifiers: what information_schema then holds is what was written. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static final Pattern CREDENTIAL_PARAMETER =
            Pattern.compile("[?&](user|password)=", Pattern.CASE_INSENSITIVE);

    /** Reads {@code url} and {@code table}; a value that cannot work is an error naming its key. */
    static PostgresTarget parse(String url, String table, ConnectorOptions options) {
        Matcher matcher = URL.matcher(url);
        if (!matcher.matches()) {
            throw options.error(
                    PostgresConnector.URL,
                    "'"
                            + url
                            + "' is not jdbc:postgresql://HOST[:PORT]/DB (e.g. jdbc:postgresql://127.0.0.1:5432/flowbundle)");
        }
        if (matcher.group(4) != null && CREDENTIAL_PARAMETER.matcher(matcher.group(4)).find()) {
            throw options.error(
                    PostgresConnector.URL,
                    "holds a user or password parameter: set the user and password keys instead"
                            + " (password: ${env:NAME}), so no credential is printed with the URL");
        }
        int port = matcher.group(2) == null ? DEFAULT_PORT : Integer.parseInt(matcher.group(2));
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2
                || !identifier(parts[0])
                || (parts.length == 2 && !identifier(parts[1]))) {
            throw options.error(
                    PostgresConnector.TABLE,
                    "'"
                            + table
                            + "' is not TABLE or SCHEMA.TABLE of lower-case letters, digits and"
                            + " underscores (e.g. sensor_events)");
        }
        String schema = parts.length == 2 ? parts[0] : "public";
        String name = parts[parts.length - 1];
        return new PostgresTarget(
                url,
                matcher.group(1).toLowerCase(Locale.ROOT),
                port,
                matcher.group(3),
                schema,
                name);
    }

    private static boolean identifier(String part) {
        return IDENTIFIER.matcher(part).matches();
    }

    /** {@code HOST:PORT}, as error messages name the server. */
    public String server() {
        return host + ":" + port;
    }

    /** {@code SCHEMA.TABLE}, as SQL names the table. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** {@code postgres://HOST:PORT/DB/TABLE}, as people and the audit name it. */
    public String describe() {
        return "postgres://"
                + server()
                + "/"
                + database
                + "/"
                + (schema.equals("public") ? table : qualifiedTable());
    }

    /**
     * OpenLineage's naming for PostgreSQL: namespace {@code postgres://HOST:PORT}, name {@code
     * DB.SCHEMA.TABLE}.
     */
    public Datasets.Id dataset() {
        return new Datasets.Id("postgres://" + server(), database + "." + schema + "." + table);
    }
}
