package io.flowbundle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.pipeline.ColumnUse.Use;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.Checkout;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planning and counting of a pipeline with several inputs (the example
 * conf/pipelines/sensor-hourly-by-building.yaml): which views and columns the SQL reads, the view
 * each output column comes from, and counts that reconcile per input.
 */
class JoinedInputsTest {

    private static final PipelineSpec JOINED =
            SpecLoader.load(Checkout.conf("pipelines/sensor-hourly-by-building.yaml"));
    private static final Map<String, ColumnUse.View> VIEWS = PipelineGraph.views(JOINED);

    @Test
    void theJoinReadsBothViewsAndOnlyTheColumnsItNeedsOfEach() {
        assertThat(ColumnUse.viewsRead(JOINED.transform(), VIEWS))
                .containsExactlyInAnyOrder("readings", "devices");
        assertThat(ColumnUse.columnsRead(JOINED.transform(), VIEWS, "readings"))
                .hasValueSatisfying(
                        read ->
                                assertThat(read)
                                        .containsExactlyInAnyOrder(
                                                "device_id", "timestamp", "temperature_c"));
        assertThat(ColumnUse.columnsRead(JOINED.transform(), VIEWS, "devices"))
                .hasValueSatisfying(
                        read ->
                                assertThat(read)
                                        .containsExactlyInAnyOrder(
                                                "device_id", "building", "floor_number"));
    }

    @Test
    void eachOutputColumnNamesTheViewItComesFrom() {
        ColumnUse uses = ColumnUse.derive(JOINED.transform(), VIEWS);

        assertThat(uses.fields().get("building"))
                .containsExactly(new Use("building", "DIRECT", "IDENTITY", "devices"));
        assertThat(uses.fields().get("avg_temp"))
                .containsExactly(new Use("temperature_c", "DIRECT", "AGGREGATION", "readings"));
        assertThat(uses.indirect())
                .contains(
                        new Use("device_id", "INDIRECT", "JOIN", "readings"),
                        new Use("device_id", "INDIRECT", "JOIN", "devices"),
                        new Use("timestamp", "INDIRECT", "WINDOW", "readings"));
    }

    @Test
    void countsReconcilePerInputAndAnInputThatLosesARecordFailsTheRun() {
        Map<String, Object> accumulators = new HashMap<>();
        accumulators.put("input.in", 100L);
        accumulators.put("input.out", 95L);
        accumulators.put("input.rejected", 5L);
        accumulators.put("dedupe.in", 95L);
        accumulators.put("dedupe.out", 90L);
        accumulators.put("dedupe.duplicates", 5L);
        accumulators.put("input@devices.in", 20L);
        accumulators.put("input@devices.out", 18L);
        accumulators.put("input@devices.rejected", 2L);
        accumulators.put("input@devices.rule.range:floor_number", 2L);
        accumulators.put("dedupe@devices.in", 18L);
        accumulators.put("dedupe@devices.out", 18L);
        accumulators.put("dedupe@devices.duplicates", 0L);
        accumulators.put("output.in", 40L);
        accumulators.put("output.out", 40L);
        RunCounts counts = RunCounts.of(accumulators);

        // the main input's counts are the single-source form's, untouched by the other input
        assertThat(counts.consumed()).isEqualTo(100);
        assertThat(counts.transformInput()).isEqualTo(90);
        assertThat(counts.ruleCounts("input")).isEmpty();
        assertThat(counts.otherInputs()).containsExactly("devices");
        RunCounts devices = counts.ofInput("devices");
        assertThat(devices.consumed()).isEqualTo(20);
        assertThat(devices.rejectedOnInput()).isEqualTo(2);
        assertThat(devices.transformInput()).isEqualTo(18);
        assertThat(devices.ruleCounts("input"))
                .containsExactly(Map.entry("range:floor_number", 2L));
        assertThat(counts.reconciles()).isTrue();
        assertThat(counts.toString())
                .endsWith("; devices: consumed=20 rejected=2 duplicates=0 late=0 transformed=18");

        accumulators.put("dedupe@devices.out", 17L);
        assertThat(RunCounts.of(accumulators).reconciles()).isFalse();
    }
}
