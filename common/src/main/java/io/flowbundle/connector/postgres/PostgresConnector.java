package io.flowbundle.connector.postgres;

import io.flowbundle.config.Secrets;
import io.flowbundle.connector.ConnectorFactory;
import io.flowbundle.connector.ConnectorOptions;
import io.flowbundle.connector.OptionSet;
import io.flowbundle.connector.Role;
import io.flowbundle.spec.SinkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * {@code type: postgres}: one JSON document per record in a PostgreSQL table, keyed by the record's
 * stable id and written with {@code INSERT ... ON CONFLICT (id) DO NOTHING}, so a replay, a restart
 * from a checkpoint or a batch rerun never adds a second copy (docs/ARCHITECTURE.md, "A document
 * store: PostgreSQL JSONB").
 */
public final class PostgresConnector implements ConnectorFactory {

    public static final String TYPE = "postgres";

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The database: jdbc:postgresql://HOST[:PORT]/DB (port 5432 by default);"
                                    + " user and password have their own keys.");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The table, TABLE or SCHEMA.TABLE (schema public by default), lower-case;"
                                    + " created with its GIN index on doc if missing.");

    public static final ConfigOption<String> USER =
            ConfigOptions.key("user")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription("The database user.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The user's password, as a reference: ${env:NAME} or ${file:PATH}; never"
                                    + " logged, audited or sent to lineage.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch_size")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Documents per INSERT batch; a full batch is written at once.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("flush_interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "The longest a document waits in a partial batch; every checkpoint and the"
                                    + " end of input flush too.");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "One JSONB document per record in a PostgreSQL table, keyed by the record's id: idempotent"
                + " upserts that keep the first copy, so replays and reruns add no duplicate.";
    }

    @Override
    public Optional<OptionSet> options(Role role) {
        if (!role.isSink()) {
            return Optional.empty();
        }
        return Optional.of(
                OptionSet.of(
                        List.of(URL, TABLE), List.of(USER, PASSWORD, BATCH_SIZE, FLUSH_INTERVAL)));
    }

    @Override
    public SinkSpec createSink(ConnectorOptions options, Role role) {
        String password = options.get(PASSWORD);
        // a reference is registered when the spec is loaded; an inline value is secret all the same
        Secrets.register(password);
        PostgresTarget target = PostgresTarget.parse(options.get(URL), options.get(TABLE), options);
        int batchSize = options.get(BATCH_SIZE);
        if (batchSize < 1) {
            throw options.error(BATCH_SIZE, "must be at least 1, got " + batchSize);
        }
        Duration flushInterval = options.get(FLUSH_INTERVAL);
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw options.error(FLUSH_INTERVAL, "must be positive, e.g. 1 s");
        }
        return new PostgresSinkSpec(target, options.get(USER), password, batchSize, flushInterval);
    }
}
