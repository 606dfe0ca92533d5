package io.flowbundle.connector;

import io.flowbundle.spec.SinkSpec;
import io.flowbundle.spec.SourceSpec;
import java.util.Optional;

/**
 * A connector, found by its {@code type} through Java's service loader (as Flink finds its table
 * factories): it declares the options it takes in each role, and turns a validated declaration into
 * a {@link SourceSpec} or a {@link SinkSpec}, which then build the Flink source or sink, name the
 * dataset for lineage and audit, and check what can be checked before a job starts.
 *
 * <p>Adding a connector is one class implementing this interface, listed in {@code
 * META-INF/services/io.flowbundle.connector.ConnectorFactory}, plus its tests: nothing else
 * switches on connector types.
 */
public interface ConnectorFactory {

    /** The value of {@code type} that selects this connector, e.g. {@code parquet}. */
    String type();

    /** One line for the generated connector reference. */
    String description();

    /** The options of a declaration in this role; empty when the connector cannot serve it. */
    Optional<OptionSet> options(Role role);

    /** Builds a source from a declaration already checked against {@code options(SOURCE)}. */
    default SourceSpec createSource(ConnectorOptions options) {
        throw new UnsupportedOperationException(type() + " is not a source");
    }

    /** Builds a sink from a declaration already checked against {@code options(role)}. */
    default SinkSpec createSink(ConnectorOptions options, Role role) {
        throw new UnsupportedOperationException(type() + " is not a sink");
    }
}
