package io.flowbundle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCountsTest {

    /**
     * Accumulators of a streaming run, named as the operators name them: 1000 records, 50 rejected,
     * 5 late, 945 valid into dedupe, 20 of them duplicates, 925 into the transform.
     */
    private static Map<String, Object> streamingRun() {
        Map<String, Object> accumulators = new HashMap<>();
        accumulators.put("input.in", 1000L);
        accumulators.put("input.out", 945L);
        accumulators.put("input.rejected", 50L);
        accumulators.put("input.rule.range:temperature_c", 30L);
        accumulators.put("input.rule.parse", 20L);
        accumulators.put("late.events", 5L);
        accumulators.put("dedupe.in", 945L);
        accumulators.put("dedupe.duplicates", 20L);
        accumulators.put("dedupe.out", 925L);
        accumulators.put("output.in", 100L);
        accumulators.put("output.out", 98L);
        accumulators.put("output.rejected", 2L);
        accumulators.put("output.rule.range:avg_temp", 2L);
        return accumulators;
    }

    @Test
    void readsEveryStageFromTheAccumulators() {
        RunCounts counts = RunCounts.of(streamingRun());

        assertThat(counts.consumed()).isEqualTo(1000);
        assertThat(counts.rejectedOnInput()).isEqualTo(50);
        assertThat(counts.valid()).isEqualTo(945);
        assertThat(counts.duplicates()).isEqualTo(20);
        assertThat(counts.late()).isEqualTo(5);
        assertThat(counts.transformInput()).as("what dedupe let through").isEqualTo(925);
        assertThat(counts.transformOutput()).isEqualTo(100);
        assertThat(counts.loaded()).isEqualTo(98);
        assertThat(counts.rejectedOnOutput()).isEqualTo(2);
        assertThat(counts.reconciles()).isTrue();
    }

    @Test
    void ruleCountsArePerStageWithoutThePrefix() {
        RunCounts counts = RunCounts.of(streamingRun());

        assertThat(counts.ruleCounts("input"))
                .containsExactly(Map.entry("parse", 20L), Map.entry("range:temperature_c", 30L));
        assertThat(counts.ruleCounts("output")).containsExactly(Map.entry("range:avg_temp", 2L));
        assertThat(counts.ruleCounts("late")).isEmpty();
    }

    @Test
    void missingCountsAreZeroAndNonNumbersAreIgnored() {
        Map<String, Object> accumulators = new HashMap<>();
        accumulators.put("input.in", 3);
        accumulators.put("input.out", 3L);
        accumulators.put("some.histogram", Map.of("a", 1));
        accumulators.put("some.text", "n/a");

        RunCounts counts = RunCounts.of(accumulators);

        assertThat(counts.accumulators()).containsOnlyKeys("input.in", "input.out");
        assertThat(counts.duplicates()).isZero();
        assertThat(counts.late()).isZero();
        assertThat(counts.get("no", "such")).isZero();
        assertThat(counts.reconciles()).as("a batch run without dedupe or output").isTrue();
        assertThat(RunCounts.of(Map.of()).reconciles()).isTrue();
    }

    @Test
    void inputThatIsNeitherValidNorRejectedDoesNotReconcile() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.put("input.in", 1001L);

        assertThat(RunCounts.of(accumulators).reconciles()).isFalse();
    }

    @Test
    void outputThatIsNeitherLoadedNorRejectedDoesNotReconcile() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.put("output.out", 97L);

        assertThat(RunCounts.of(accumulators).reconciles()).isFalse();
    }

    @Test
    void moreDuplicatesThanValidRowsDoesNotReconcile() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.put("dedupe.duplicates", 2000L);

        RunCounts counts = RunCounts.of(accumulators);

        assertThat(counts.transformInput()).as("measured, not derived").isEqualTo(925);
        assertThat(counts.reconciles()).isFalse();
    }

    @Test
    void withoutDedupeTheTransformGetsTheValidRows() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.keySet().removeIf(name -> name.startsWith("dedupe."));

        RunCounts counts = RunCounts.of(accumulators);

        assertThat(counts.transformInput()).isEqualTo(945);
        assertThat(counts.duplicates()).isZero();
        assertThat(counts.reconciles()).isTrue();
    }

    @Test
    void rowsLostBetweenTheGateAndDedupeDoNotReconcile() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.put("dedupe.in", 944L);
        accumulators.put("dedupe.out", 924L);
        accumulators.put("input.in", 999L);

        assertThat(RunCounts.of(accumulators).reconciles())
                .as(
                        "consumed = rejected + late + duplicates + transform input, but dedupe.in != valid")
                .isFalse();
    }

    @Test
    void rowsLostInsideDedupeDoNotReconcile() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.put("dedupe.out", 924L);

        assertThat(RunCounts.of(accumulators).reconciles()).isFalse();
    }

    @Test
    void dedupeWithoutAnyOutputCountMeansNothingReachedTheTransform() {
        Map<String, Object> accumulators = streamingRun();
        accumulators.remove("dedupe.out");

        RunCounts counts = RunCounts.of(accumulators);

        assertThat(counts.transformInput()).isZero();
        assertThat(counts.reconciles()).isFalse();
    }

    @Test
    void aNegativeCountDoesNotReconcile() {
        Map<String, Object> accumulators = new HashMap<>();
        accumulators.put("input.in", 0L);
        accumulators.put("input.out", 5L);
        accumulators.put("input.rejected", -5L);

        RunCounts counts = RunCounts.of(accumulators);

        assertThat(counts.consumed()).isEqualTo(counts.valid() + counts.rejectedOnInput());
        assertThat(counts.reconciles()).isFalse();
    }

    @Test
    void toStringShowsTheFlow() {
        assertThat(RunCounts.of(streamingRun()))
                .hasToString(
                        "consumed=1000 rejected=50 duplicates=20 late=5 transformed=925->100 loaded=98"
                                + " rejected_on_output=2");
    }
}
