package io.flowbundle.connector;

import io.flowbundle.config.ConfigNode;
import io.flowbundle.spec.SinkSpec;
import io.flowbundle.spec.SourceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The connectors on the class path, by {@code type}: every {@link ConnectorFactory} listed in a
 * {@code META-INF/services/io.flowbundle.connector.ConnectorFactory} file (the bundle jar merges
 * them). Spec loading asks here for the factory a declaration names and hands it the declaration,
 * checked against the factory's options.
 */
public final class Connectors {

    /** The key that names a declaration's connector. */
    public static final String TYPE = "type";

    private static final Map<String, ConnectorFactory> FACTORIES = load();

    private Connectors() {}

    private static Map<String, ConnectorFactory> load() {
        Map<String, ConnectorFactory> factories = new LinkedHashMap<>();
        for (ConnectorFactory factory :
                ServiceLoader.load(ConnectorFactory.class, Connectors.class.getClassLoader())) {
            ConnectorFactory other = factories.putIfAbsent(factory.type(), factory);
            if (other != null) {
                throw new IllegalStateException(
                        "two connectors of type '"
                                + factory.type()
                                + "': "
                                + other.getClass().getName()
                                + " and "
                                + factory.getClass().getName());
            }
        }
        return factories;
    }

    /** Every connector, in class-path order. */
    public static List<ConnectorFactory> all() {
        return List.copyOf(FACTORIES.values());
    }

    public static Optional<ConnectorFactory> find(String type) {
        return Optional.ofNullable(FACTORIES.get(type));
    }

    /** The spec's {@code source} declaration. */
    public static SourceSpec source(ConfigNode node) {
        ConnectorFactory factory = factory(node, Role.SOURCE);
        return factory.createSource(
                ConnectorOptions.validate(node, factory.options(Role.SOURCE).get(), Role.SOURCE));
    }

    /** A {@code sink}, {@code quarantine} or {@code staging} declaration. */
    public static SinkSpec sink(ConfigNode node, Role role) {
        ConnectorFactory factory = factory(node, role);
        return factory.createSink(
                ConnectorOptions.validate(node, factory.options(role).get(), role), role);
    }

    /** The connector a declaration names, among those that can serve its role. */
    private static ConnectorFactory factory(ConfigNode node, Role role) {
        List<String> types = new ArrayList<>();
        for (ConnectorFactory factory : FACTORIES.values()) {
            if (factory.options(role).isPresent()) {
                types.add(factory.type());
            }
        }
        String type = node.get(TYPE).choice(types.toArray(String[]::new));
        return FACTORIES.get(type);
    }
}
