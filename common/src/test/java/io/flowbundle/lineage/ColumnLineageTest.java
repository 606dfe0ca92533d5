package io.flowbundle.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.pipeline.ColumnUse.Use;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

/**
 * Column lineage derived from Flink's compiled plan of real queries over the sensor_events
 * contract: which input columns each output column comes from and how (DIRECT: IDENTITY,
 * TRANSFORMATION, AGGREGATION), and which columns decide which rows come out (INDIRECT: GROUP_BY,
 * WINDOW, JOIN, FILTER).
 */
class ColumnLineageTest {

    private static final Path CONF = SensorHourlyLineage.CONF;
    private static final RowType EVENTS =
            ContractLoader.load(CONF.resolve("contracts/sensor_events.yaml")).rowType("timestamp");

    @Test
    void hourlyAggregate() throws IOException {
        ColumnLineage lineage = derive(Files.readString(CONF.resolve("sql/sensor-hourly.sql")));

        assertThat(lineage.fields())
                .containsExactlyEntriesOf(
                        fields(
                                "device_id", Set.of(direct("device_id", "IDENTITY")),
                                "window_start", Set.of(direct("timestamp", "TRANSFORMATION")),
                                "window_end", Set.of(direct("timestamp", "TRANSFORMATION")),
                                // COUNT(*) reads no column
                                "readings", Set.of(),
                                "avg_temp", Set.of(direct("temperature_c", "AGGREGATION"))));
        assertThat(lineage.dataset())
                .containsExactlyInAnyOrder(
                        indirect("device_id", "GROUP_BY"), indirect("timestamp", "WINDOW"));
    }

    @Test
    void selfJoin() {
        ColumnLineage lineage =
                derive(
                        "SELECT a.device_id, b.temperature_c - a.temperature_c AS delta"
                                + " FROM events a JOIN events b ON a.id = b.id");

        // both sides are the one dataset `events`: a.temperature_c and b.temperature_c are one
        // input field
        assertThat(lineage.fields())
                .containsExactlyEntriesOf(
                        fields(
                                "device_id", Set.of(direct("device_id", "IDENTITY")),
                                "delta", Set.of(direct("temperature_c", "TRANSFORMATION"))));
        assertThat(lineage.dataset()).containsExactly(indirect("id", "JOIN"));
    }

    @Test
    void filter() {
        ColumnLineage lineage =
                derive(
                        "SELECT id, temperature_c * 1.8 + 32 AS temperature_f FROM events"
                                + " WHERE humidity_percent > 50 AND type = 'reading'");

        assertThat(lineage.fields())
                .containsExactlyEntriesOf(
                        fields(
                                "id", Set.of(direct("id", "IDENTITY")),
                                "temperature_f",
                                        Set.of(direct("temperature_c", "TRANSFORMATION"))));
        assertThat(lineage.dataset())
                .containsExactlyInAnyOrder(
                        indirect("humidity_percent", "FILTER"), indirect("type", "FILTER"));
    }

    @Test
    void nestedFieldAccess() {
        ColumnLineage lineage =
                derive(
                        "SELECT location.room AS room, UPPER(location.building) AS building, COUNT(*) AS n"
                                + " FROM events WHERE location.building <> 'annex' GROUP BY location.room, location.building");

        assertThat(lineage.fields())
                .containsExactlyEntriesOf(
                        fields(
                                // a group key is output as it is: IDENTITY, with the nested path as
                                // the field
                                "room", Set.of(direct("location.room", "IDENTITY")),
                                "building", Set.of(direct("location.building", "TRANSFORMATION")),
                                "n", Set.of()));
        assertThat(lineage.dataset())
                .containsExactlyInAnyOrder(
                        indirect("location.building", "FILTER"),
                        indirect("location.room", "GROUP_BY"),
                        indirect("location.building", "GROUP_BY"));
    }

    @Test
    void aPlainNestedFieldIsAnIdentity() {
        ColumnLineage lineage = derive("SELECT id, location.room AS room FROM events");

        assertThat(lineage.fields())
                .containsExactlyEntriesOf(
                        fields(
                                "id", Set.of(direct("id", "IDENTITY")),
                                "room", Set.of(direct("location.room", "IDENTITY"))));
        assertThat(lineage.dataset()).isEmpty();
    }

    @Test
    void theFacetIsSchemaValidAndNamesTheInputDataset() {
        ColumnLineage lineage =
                derive(
                        "SELECT a.device_id, b.temperature_c - a.temperature_c AS delta"
                                + " FROM events a JOIN events b ON a.id = b.id WHERE a.type = 'reading'");
        Datasets.Id input = Datasets.file(Path.of("/data/sensor-events"));
        OpenLineage.ColumnLineageDatasetFacet facet =
                lineage.toFacet(new OpenLineage(PipelineLineage.PRODUCER), input);

        assertThat(OpenLineageSchemas.validateDatasetFacet("columnLineage", facet)).isEmpty();
        JsonNode json = json(facet);
        JsonNode delta = json.at("/fields/delta/inputFields/0");
        assertThat(delta.get("namespace").asText()).isEqualTo("file");
        assertThat(delta.get("name").asText()).isEqualTo("/data/sensor-events");
        assertThat(delta.get("field").asText()).isEqualTo("temperature_c");
        assertThat(delta.at("/transformations/0/type").asText()).isEqualTo("DIRECT");
        assertThat(delta.at("/transformations/0/subtype").asText()).isEqualTo("TRANSFORMATION");
        assertThat(json.get("dataset").findValuesAsText("field"))
                .containsExactlyInAnyOrder("id", "type");
        assertThat(json.get("dataset").findValuesAsText("subtype"))
                .containsExactlyInAnyOrder("JOIN", "FILTER");
    }

    @Test
    void aColumnThatIsNotInEventsFailsWithFlinksMessage() {
        assertThatThrownBy(() -> derive("SELECT device FROM events"))
                .hasMessageContaining("Column 'device' not found");
    }

    private static ColumnLineage derive(String sql) {
        return ColumnLineage.derive(sql, EVENTS, "timestamp");
    }

    private static Use direct(String column, String subtype) {
        return new Use(column, "DIRECT", subtype);
    }

    private static Use indirect(String column, String subtype) {
        return new Use(column, "INDIRECT", subtype);
    }

    /** Output columns in order with their uses. */
    private static Map<String, Set<Use>> fields(Object... namesAndUses) {
        Map<String, Set<Use>> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndUses.length; i += 2) {
            @SuppressWarnings("unchecked")
            Set<Use> uses = (Set<Use>) namesAndUses[i + 1];
            out.put((String) namesAndUses[i], uses);
        }
        return out;
    }

    private static JsonNode json(Object facet) {
        try {
            return new ObjectMapper().readTree(OpenLineageClientUtils.toJson(facet));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
