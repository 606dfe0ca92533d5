package io.flowbundle.operators;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts for one pipeline stage, kept twice: as Flink accumulators (merged over subtasks, read once
 * a job ends, or through the JobClient while it runs; they feed audit records and lineage
 * statistics) and as metrics (for dashboards). Accumulator names are {@code <stage>.<count>}.
 */
public final class StageCounters {

    private final RuntimeContext context;
    private final String stage;
    private final MetricGroup metrics;
    private final Map<String, Pair> byName = new HashMap<>();

    public StageCounters(RuntimeContext context, String stage) {
        this.context = context;
        this.stage = stage;
        this.metrics = context.getMetricGroup().addGroup("flowbundle").addGroup(stage);
    }

    /** The counter {@code <stage>.<name>}, created on first use. */
    public Pair counter(String name) {
        return byName.computeIfAbsent(
                name,
                n -> new Pair(context.getLongCounter(accumulatorName(stage, n)), metrics.counter(n)));
    }

    public static String accumulatorName(String stage, String name) {
        return stage + "." + name;
    }

    /** An accumulator and a metric counted together. */
    public static final class Pair {
        private final LongCounter accumulator;
        private final Counter metric;

        Pair(LongCounter accumulator, Counter metric) {
            this.accumulator = accumulator;
            this.metric = metric;
        }

        public void inc() {
            accumulator.add(1L);
            metric.inc();
        }
    }
}
