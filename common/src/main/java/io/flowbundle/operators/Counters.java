package io.flowbundle.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The record counts of one operator, kept three ways: as Flink accumulators (merged over subtasks;
 * read when a job ends, or through its JobClient while it runs; they feed audit records and lineage
 * statistics), as metrics (dashboards), and in checkpointed operator state, so a job restored after
 * a failure keeps counting from the checkpoint instead of from zero and its counts still reconcile.
 * Accumulator names are {@code <stage>.<count>}.
 */
public final class Counters {

    private static final String STATE_NAME = "flowbundle-counts";

    private final RuntimeContext context;
    private final ListState<Tuple2<String, Long>> state;
    private final Map<String, Count> counts = new HashMap<>();

    private Counters(RuntimeContext context, ListState<Tuple2<String, Long>> state) {
        this.context = context;
        this.state = state;
    }

    /** Counters restored from the last checkpoint, if the job was restored. */
    public static Counters initialize(RuntimeContext context, FunctionInitializationContext init)
            throws Exception {
        ListState<Tuple2<String, Long>> state =
                init.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        STATE_NAME, Types.TUPLE(Types.STRING, Types.LONG)));
        Counters counters = new Counters(context, state);
        if (init.isRestored()) {
            // after rescaling one subtask can get several entries of a name
            Map<String, Long> restored = new HashMap<>();
            for (Tuple2<String, Long> entry : state.get()) {
                restored.merge(entry.f0, entry.f1, Long::sum);
            }
            // now rather than on first use: a count that does not move after the restore (a rule
            // no record breaks again) must still reach the accumulators
            restored.forEach(
                    (name, value) -> {
                        int dot = name.indexOf('.');
                        counters.counts.put(
                                name,
                                counters.create(
                                        name.substring(0, dot), name.substring(dot + 1), value));
                    });
        }
        return counters;
    }

    /**
     * The stage under which an operator of input {@code input} counts: {@code stage} for the
     * pipeline's main input (null), {@code stage@input} for another ({@code input@devices}).
     */
    public static String scoped(String stage, String input) {
        return input == null ? stage : stage + "@" + input;
    }

    /** {@code <stage>.<name>}; stages have no dot, so a restore can split the name again. */
    public static String accumulatorName(String stage, String name) {
        return stage + "." + name;
    }

    /** The counter {@code <stage>.<name>}, created on first use. */
    public Count counter(String stage, String name) {
        return counts.computeIfAbsent(accumulatorName(stage, name), n -> create(stage, name, 0L));
    }

    private Count create(String stage, String name, long start) {
        LongCounter accumulator = context.getLongCounter(accumulatorName(stage, name));
        accumulator.add(start);
        Counter metric =
                context.getMetricGroup().addGroup("flowbundle").addGroup(stage).counter(name);
        metric.inc(start);
        return new Count(accumulator, metric);
    }

    /** Writes the current counts into operator state (call from snapshotState). */
    public void snapshot() throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        counts.forEach((name, count) -> entries.add(Tuple2.of(name, count.value())));
        state.update(entries);
    }

    /** An accumulator and a metric counted together. */
    public static final class Count {
        private final LongCounter accumulator;
        private final Counter metric;

        Count(LongCounter accumulator, Counter metric) {
            this.accumulator = accumulator;
            this.metric = metric;
        }

        public void inc() {
            accumulator.add(1L);
            metric.inc();
        }

        public void add(long n) {
            accumulator.add(n);
            metric.inc(n);
        }

        public long value() {
            return accumulator.getLocalValue();
        }
    }
}
