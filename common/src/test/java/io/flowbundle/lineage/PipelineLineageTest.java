package io.flowbundle.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The events of one run of the sample sensor-hourly pipeline, START to COMPLETE/FAIL/ABORT, are
 * valid OpenLineage as the official JSON Schemas define it, and carry what the run knows.
 */
class PipelineLineageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SensorHourlyLineage sample;

    @BeforeAll
    static void buildSample() {
        sample = new SensorHourlyLineage();
    }

    @Test
    void everyEventTypeIsSchemaValid() {
        Map<String, OpenLineage.RunEvent> events = events();

        events.forEach(
                (type, event) -> assertThat(OpenLineageSchemas.validate(event)).as(type).isEmpty());
        assertThat(events.values())
                .extracting(e -> e.getEventType().name())
                .containsExactly("START", "RUNNING", "COMPLETE", "FAIL", "ABORT");
        assertThat(events.values())
                .extracting(e -> e.getRun().getRunId().toString())
                .containsOnly(sample.run.runId());
    }

    @Test
    void theEventsUseEveryFacetWeHaveASchemaFor() {
        // validation of a facet that is never emitted proves nothing: make sure each one is
        // exercised
        TreeSet<String> facets = new TreeSet<>();
        for (OpenLineage.RunEvent event : events().values()) {
            collectFacetNames(json(event), facets);
        }
        assertThat(facets)
                .containsExactlyInAnyOrder(
                        "nominalTime",
                        "processing_engine",
                        "errorMessage",
                        "jobType",
                        "sql",
                        "dataSource",
                        "documentation",
                        "schema",
                        "ownership",
                        "columnLineage",
                        "dataQualityAssertions",
                        "inputStatistics",
                        "outputStatistics",
                        "lifecycleStateChange",
                        ContractFacet.NAME);
    }

    @Test
    void completeCarriesCountsAssertionsAndTheDatedRunsNominalTime() {
        JsonNode complete =
                json(
                        sample.lineage.complete(
                                sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));

        assertThat(complete.at("/run/facets/nominalTime/nominalStartTime").asText())
                .startsWith("2026-11-01T00:00");
        assertThat(complete.at("/run/facets/nominalTime/nominalEndTime").asText())
                .startsWith("2026-11-02T00:00");
        assertThat(complete.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
        assertThat(complete.at("/job/facets/sql/query").asText())
                .isEqualTo(sample.spec.transform());
        JsonNode input = complete.at("/inputs/0");
        assertThat(input.at("/inputFacets/inputStatistics/rowCount").asLong()).isEqualTo(100);
        assertThat(input.at("/inputFacets/inputStatistics/size").asLong()).isEqualTo(123_456);
        List<String> failed = new ArrayList<>();
        for (JsonNode assertion : input.at("/inputFacets/dataQualityAssertions/assertions")) {
            if (!assertion.get("success").asBoolean()) {
                failed.add(assertion.get("name").asText() + " " + assertion.get("actual").asText());
            }
        }
        assertThat(failed)
                .containsExactlyInAnyOrder(
                        "range:temperature_c 2 of 100 records",
                        "required:device_id 1 of 100 records");
        JsonNode output = complete.at("/outputs/0");
        assertThat(output.at("/outputFacets/outputStatistics/rowCount").asLong()).isEqualTo(12);
        assertThat(output.at("/facets/lifecycleStateChange/lifecycleStateChange").asText())
                .isEqualTo("OVERWRITE");
        assertThat(output.at("/facets/flowbundle_contract/contract").asText())
                .isEqualTo("sensor_hourly");
        assertThat(output.at("/facets/flowbundle_contract/retentionDays").asInt()).isEqualTo(365);
    }

    @Test
    void theStagingSchemaHasTheUnknownColumnAndTheInputsHasTheContractsColumnsOnly() {
        JsonNode complete =
                json(
                        sample.lineage.complete(
                                sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));

        List<String> input = new ArrayList<>();
        complete.at("/inputs/0/facets/schema/fields")
                .forEach(f -> input.add(f.get("name").asText()));
        JsonNode staging = complete.at("/outputs/2/facets/schema/fields");
        List<String> staged = new ArrayList<>();
        staging.forEach(f -> staged.add(f.get("name").asText()));

        assertThat(input).isEqualTo(sample.spec.contract().columnNames());
        assertThat(staged.subList(0, staged.size() - 1)).isEqualTo(input);
        JsonNode unknown = staging.get(staging.size() - 1);
        assertThat(unknown.get("name").asText()).isEqualTo("_unknown");
        assertThat(unknown.get("type").asText()).isEqualTo("string");
        assertThat(unknown.get("description").asText()).contains("unknown_fields: keep");
    }

    @Test
    void failCarriesTheMessageAndTheStackTrace() {
        JsonNode fail =
                json(
                        sample.lineage.fail(
                                sample.read,
                                sample.outputs(false),
                                "input.parquet: column 'device_id' is missing",
                                new IllegalStateException("boom")));

        assertThat(fail.at("/run/facets/errorMessage/message").asText())
                .isEqualTo("input.parquet: column 'device_id' is missing");
        assertThat(fail.at("/run/facets/errorMessage/programmingLanguage").asText())
                .isEqualTo("JAVA");
        assertThat(fail.at("/run/facets/errorMessage/stackTrace").asText())
                .startsWith("java.lang.IllegalStateException: boom");
        // a failed run committed nothing: no statistics, no lifecycle change
        assertThat(fail.at("/outputs/0/outputFacets/outputStatistics").isMissingNode()).isTrue();
        assertThat(fail.at("/outputs/0/facets/lifecycleStateChange").isMissingNode()).isTrue();
    }

    private static Map<String, OpenLineage.RunEvent> events() {
        PipelineLineage lineage = sample.lineage;
        Map<String, OpenLineage.RunEvent> events = new java.util.LinkedHashMap<>();
        events.put("START", lineage.start(sample.read, sample.outputs(false)));
        events.put("RUNNING", lineage.running(SensorHourlyLineage.COUNTS, sample.outputs(true)));
        events.put(
                "COMPLETE",
                lineage.complete(sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));
        events.put(
                "FAIL",
                lineage.fail(
                        sample.read,
                        sample.outputs(false),
                        "the job failed",
                        new RuntimeException("boom")));
        events.put(
                "ABORT",
                lineage.abort(sample.read, SensorHourlyLineage.COUNTS, sample.outputs(true)));
        return events;
    }

    private static void collectFacetNames(JsonNode event, TreeSet<String> names) {
        event.at("/run/facets").fieldNames().forEachRemaining(names::add);
        event.at("/job/facets").fieldNames().forEachRemaining(names::add);
        for (String list : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(list)) {
                for (String facets : List.of("facets", "inputFacets", "outputFacets")) {
                    dataset.path(facets).fieldNames().forEachRemaining(names::add);
                }
            }
        }
    }

    static JsonNode json(OpenLineage.RunEvent event) {
        try {
            return JSON.readTree(OpenLineageClientUtils.toJson(event));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
