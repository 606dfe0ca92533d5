package io.flowbundle.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONNECTORS.md is what the connectors' options say. */
class ConnectorReferenceTest {

    /** The project's docs folder, seen from the module the test runs in. */
    private static final Path DOC = Path.of("..", "docs", "CONNECTORS.md");

    @Test
    void theConnectorReferenceIsUpToDate() throws IOException {
        List<ConnectorFactory> shipped =
                Connectors.all().stream()
                        .filter(factory -> !(factory instanceof ToyConnector))
                        .toList();
        String generated = ConnectorReference.markdown(shipped);
        if ("1".equals(System.getenv("FLOWBUNDLE_WRITE_DOCS"))) {
            Files.writeString(DOC, generated);
        }

        assertThat(DOC).exists();
        assertThat(Files.readString(DOC))
                .as("docs/CONNECTORS.md is generated: rerun this test with FLOWBUNDLE_WRITE_DOCS=1")
                .isEqualTo(generated);
    }

    @Test
    void everyShippedOptionHasADescription() {
        for (ConnectorFactory factory : Connectors.all()) {
            for (Role role : Role.values()) {
                factory.options(role)
                        .ifPresent(
                                options ->
                                        options.all()
                                                .forEach(
                                                        option ->
                                                                assertThat(
                                                                                option.description()
                                                                                        .getBlocks())
                                                                        .as(
                                                                                "%s option %s",
                                                                                factory.type(),
                                                                                option.key())
                                                                        .isNotEmpty()));
            }
        }
    }
}
