package io.flowbundle.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator itself: a valid event broken in one place is reported, at the right path. Without
 * these, a validator that accepts everything would pass every other lineage test.
 */
class OpenLineageSchemasTest {

    private static JsonNode valid;

    @BeforeAll
    static void validEvent() {
        OpenLineageSchemas.assumeAvailable();
        SensorHourlyLineage sample = new SensorHourlyLineage();
        valid =
                PipelineLineageTest.json(
                        sample.lineage.complete(
                                sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));
        assertThat(OpenLineageSchemas.validate(valid)).isEmpty();
    }

    @Test
    void aRunWithoutRunIdIsInvalid() {
        ObjectNode event = valid.deepCopy();
        ((ObjectNode) event.get("run")).remove("runId");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path()).isEqualTo("$.run");
                            assertThat(v.message()).contains("runId");
                        });
    }

    @Test
    void aRunIdThatIsNotAUuidIsInvalid() {
        ObjectNode event = valid.deepCopy();
        ((ObjectNode) event.get("run")).put("runId", "run-1");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(v -> assertThat(v.path()).isEqualTo("$.run.runId"));
    }

    @Test
    void anUnknownEventTypeIsInvalid() {
        ObjectNode event = valid.deepCopy();
        event.put("eventType", "DONE");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(v -> assertThat(v.path()).isEqualTo("$.eventType"));
    }

    @Test
    void aFacetWithoutProducerIsInvalid() {
        ObjectNode event = valid.deepCopy();
        ((ObjectNode) event.at("/run/facets/nominalTime")).remove("_producer");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path()).isEqualTo("$.run.facets.nominalTime");
                            assertThat(v.message()).contains("_producer");
                        });
    }

    @Test
    void aFacetFieldOfTheWrongTypeIsReportedAtItsPath() {
        ObjectNode event = valid.deepCopy();
        ((ObjectNode) event.at("/outputs/0/outputFacets/outputStatistics")).put("rowCount", "many");
        ((ObjectNode) event.at("/inputs/0/inputFacets/dataQualityAssertions/assertions/0"))
                .remove("success");

        assertThat(OpenLineageSchemas.validate(event))
                .extracting(OpenLineageSchemas.Violation::path)
                .contains(
                        "$.outputs[0].outputFacets.outputStatistics.rowCount",
                        "$.inputs[0].inputFacets.dataQualityAssertions.assertions[0]");
    }

    @Test
    void ourContractFacetIsCheckedAgainstItsSchemaInDocs() {
        ObjectNode event = valid.deepCopy();
        ObjectNode contract = (ObjectNode) event.at("/outputs/0/facets/" + ContractFacet.NAME);
        contract.remove("owner");
        contract.put("schemaVersion", 0);

        assertThat(OpenLineageSchemas.validate(event))
                .filteredOn(v -> v.path().startsWith("$.outputs[0].facets." + ContractFacet.NAME))
                .extracting(OpenLineageSchemas.Violation::toString)
                .anySatisfy(v -> assertThat(v).contains("owner"))
                .anySatisfy(v -> assertThat(v).contains(".schemaVersion"));
    }

    @Test
    void aFacetInTheWrongPlaceIsInvalid() {
        ObjectNode event = valid.deepCopy();
        JsonNode assertions = event.at("/inputs/0/inputFacets/dataQualityAssertions");
        ((ObjectNode) event.at("/outputs/0/outputFacets")).set("dataQualityAssertions", assertions);

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path())
                                    .isEqualTo("$.outputs[0].outputFacets.dataQualityAssertions");
                            assertThat(v.message())
                                    .contains("InputDatasetFacet")
                                    .contains("OutputDatasetFacet");
                        });
    }

    @Test
    void aFacetUnderANameItsSchemaDoesNotDeclareIsInvalid() {
        ObjectNode event = valid.deepCopy();
        ObjectNode facets = (ObjectNode) event.at("/run/facets");
        facets.set("processingEngine", facets.remove("processing_engine"));

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path()).isEqualTo("$.run.facets.processingEngine");
                            assertThat(v.message()).contains("processing_engine");
                        });
    }

    @Test
    void aFacetVersionWeHaveNoSchemaForIsReported() {
        ObjectNode event = valid.deepCopy();
        ((ObjectNode) event.at("/run/facets/nominalTime"))
                .put(
                        "_schemaURL",
                        "https://openlineage.io/spec/facets/1-0-0/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path()).isEqualTo("$.run.facets.nominalTime");
                            assertThat(v.message()).contains("1-0-0").contains("1-0-1");
                        });
    }

    @Test
    void aSchemaUrlOutsideTheLocalCopiesIsReportedNotDownloaded() {
        ObjectNode event = valid.deepCopy();
        ObjectNode facet = ((ObjectNode) event.at("/run/facets")).putObject("custom");
        facet.put("_producer", "https://example.com/producer");
        facet.put(
                "_schemaURL", "https://example.com/spec/CustomRunFacet.json#/$defs/CustomRunFacet");

        List<OpenLineageSchemas.Violation> violations = OpenLineageSchemas.validate(event);

        assertThat(violations)
                .extracting(OpenLineageSchemas.Violation::toString)
                .containsExactly(
                        "$.run.facets.custom: no local schema for _schemaURL https://example.com/spec/CustomRunFacet.json#/$defs/CustomRunFacet");
    }

    @Test
    void anEventWithoutItsRequiredProducerIsRejected() {
        ObjectNode event = valid.deepCopy();
        event.remove("producer");

        assertThat(OpenLineageSchemas.validate(event))
                .anySatisfy(
                        v -> {
                            assertThat(v.path()).isEqualTo("$");
                            assertThat(v.message()).contains("producer");
                        });
    }

    @Test
    void aWorktreeNestedBelowTheProjectFindsTheSchemasBesideIt(@TempDir Path dir)
            throws IOException {
        Path spec = Files.createDirectories(dir.resolve("shared/openlineage/spec"));
        Files.writeString(spec.resolve("OpenLineage.json"), "{}");
        Path worktree = Files.createDirectories(dir.resolve("wt/lineage"));

        withProperties(
                worktree.toString(),
                "",
                () -> {
                    assertThat(OpenLineageSchemas.candidates())
                            .startsWith(
                                    dir.resolve("wt/shared/openlineage/spec"),
                                    dir.resolve("shared/openlineage/spec"));
                    assertThat(OpenLineageSchemas.specDir()).contains(spec);
                });
    }

    @Test
    void aFolderGivenAsAPropertyIsTheOnlyPlaceLookedInAndTheMessageNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-spec");

        withProperties(
                dir.toString(),
                missing.toString(),
                () -> {
                    assertThat(OpenLineageSchemas.candidates()).containsExactly(missing);
                    assertThat(OpenLineageSchemas.specDir()).isEmpty();
                    assertThat(OpenLineageSchemas.missingMessage())
                            .contains("looked in " + missing + ";")
                            .contains("-Dopenlineage.spec.dir=");
                });
    }

    /** Runs {@code body} with the checkout and spec folder properties set, then restores them. */
    private static void withProperties(String checkout, String specDir, Runnable body) {
        String oldCheckout = System.getProperty(OpenLineageSchemas.CHECKOUT_PROPERTY);
        String oldSpecDir = System.getProperty(OpenLineageSchemas.SPEC_DIR_PROPERTY);
        System.setProperty(OpenLineageSchemas.CHECKOUT_PROPERTY, checkout);
        System.setProperty(OpenLineageSchemas.SPEC_DIR_PROPERTY, specDir);
        try {
            body.run();
        } finally {
            restore(OpenLineageSchemas.CHECKOUT_PROPERTY, oldCheckout);
            restore(OpenLineageSchemas.SPEC_DIR_PROPERTY, oldSpecDir);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void brokenJsonIsOneViolation() {
        assertThat(OpenLineageSchemas.validate("{\"eventType\": "))
                .singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$"));
    }

    @Test
    void anEmptyOutputsListIsStillValid() {
        ObjectNode event = valid.deepCopy();
        ((ArrayNode) event.get("outputs")).removeAll();

        assertThat(OpenLineageSchemas.validate(event)).isEmpty();
    }
}
