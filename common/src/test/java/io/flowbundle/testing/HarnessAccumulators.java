package io.flowbundle.testing;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** The accumulators an operator under a test harness has counted, by name ({@code dedupe.in}). */
public final class HarnessAccumulators {

    private HarnessAccumulators() {}

    public static Map<String, Long> of(AbstractStreamOperatorTestHarness<?> harness) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Accumulator<?, ?>> entry :
                harness.getEnvironment().getAccumulatorRegistry().getUserMap().entrySet()) {
            Object value = entry.getValue().getLocalValue();
            if (value instanceof Number) {
                out.put(entry.getKey(), ((Number) value).longValue());
            }
        }
        return out;
    }

    /** One count; 0 if the accumulator was never created. */
    public static long count(AbstractStreamOperatorTestHarness<?> harness, String name) {
        return of(harness).getOrDefault(name, 0L);
    }
}
