package io.flowbundle.pipeline;

import io.flowbundle.operators.ContractGate;
import io.flowbundle.operators.Counters;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The counts of one run, read from the job's accumulators (once it ended, or while it runs). They
 * reconcile: {@code consumed = rejected on input + late + duplicates + transform input}, and {@code
 * transform output = loaded + rejected on output}. Every count is measured by the operator it
 * describes, none derived from the others, so a record lost between two operators shows.
 */
public record RunCounts(Map<String, Long> accumulators) {

    public static RunCounts of(Map<String, ?> accumulatorResults) {
        Map<String, Long> counts = new TreeMap<>();
        accumulatorResults.forEach(
                (name, value) -> {
                    if (value instanceof Number) {
                        counts.put(name, ((Number) value).longValue());
                    }
                });
        return new RunCounts(Map.copyOf(counts));
    }

    public long get(String stage, String name) {
        return accumulators.getOrDefault(Counters.accumulatorName(stage, name), 0L);
    }

    /** Records read from the source (including those that did not decode). */
    public long consumed() {
        return get("input", "in");
    }

    public long rejectedOnInput() {
        return get("input", "rejected");
    }

    /**
     * Rows that kept the contract and were on time (the staging layer gets these plus late ones).
     */
    public long valid() {
        return get("input", "out");
    }

    public long duplicates() {
        return get("dedupe", "duplicates");
    }

    /** Valid events set aside as late: by their partition's watermark, or by the job's. */
    public long late() {
        return lateAtSource() + lateBehindWatermark();
    }

    /** Late by their own partition's watermark (decided at the gate; still staged). */
    public long lateAtSource() {
        return get("late", "events");
    }

    /**
     * Late by the job's watermark, which an idle partition let run ahead (decided before the SQL).
     */
    public long lateBehindWatermark() {
        return get("late", "behind_watermark");
    }

    /** Rows that reached the SQL transform: those dedupe let through, or all valid ones. */
    public long transformInput() {
        return (dedupeRan() ? get("dedupe", "out") : valid()) - lateBehindWatermark();
    }

    private boolean dedupeRan() {
        return accumulators.keySet().stream().anyMatch(name -> name.startsWith("dedupe."));
    }

    public long transformOutput() {
        return get("output", "in");
    }

    public long loaded() {
        return get("output", "out");
    }

    public long rejectedOnOutput() {
        return get("output", "rejected");
    }

    /** Violations by rule id ({@code range:temperature_c}) for one stage. */
    public Map<String, Long> ruleCounts(String stage) {
        Map<String, Long> out = new TreeMap<>();
        String prefix = stage + ".rule.";
        accumulators.forEach(
                (name, value) -> {
                    if (name.startsWith(prefix)) {
                        out.put(name.substring(prefix.length()), value);
                    }
                });
        return out;
    }

    /**
     * Records that had fields the contract does not name, kept in {@code _unknown} (counted by the
     * input gate; under {@code unknown_fields: reject} they are rejections with rule {@code
     * unknown} instead, and under {@code drop} nobody counts them). Outside the reconciliation:
     * such a record is also counted as valid, rejected or late.
     */
    public long withUnknownFields() {
        return get(ContractGate.UNKNOWN_STAGE, ContractGate.UNKNOWN_RECORDS);
    }

    /**
     * The {@code limit} unknown fields' dotted paths found in the most records, most first (ties by
     * path), each with its record count. Paths beyond the first {@link
     * ContractGate#MAX_UNKNOWN_PATHS} a subtask met are counted together, not by name.
     */
    public Map<String, Long> topUnknownPaths(int limit) {
        String prefix =
                Counters.accumulatorName(ContractGate.UNKNOWN_STAGE, ContractGate.UNKNOWN_PATH);
        Map<String, Long> top = new LinkedHashMap<>();
        accumulators.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue() > 0)
                .sorted(
                        Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                                .reversed()
                                .thenComparing(Map.Entry::getKey))
                .limit(limit)
                .forEach(e -> top.put(e.getKey().substring(prefix.length()), e.getValue()));
        return top;
    }

    /**
     * The inputs besides the main one that were counted, by view (their operators count as {@code
     * input@VIEW}, {@code dedupe@VIEW}, {@code late@VIEW}).
     */
    public Set<String> otherInputs() {
        Set<String> views = new TreeSet<>();
        for (String name : accumulators.keySet()) {
            int at = name.indexOf('@');
            int dot = name.indexOf('.');
            if (at > 0 && dot > at) {
                views.add(name.substring(at + 1, dot));
            }
        }
        return views;
    }

    /**
     * The counts of input {@code view} as if it were the main one ({@code input@devices.in} read as
     * {@code input.in}), so {@link #consumed}, {@link #duplicates}, {@link #transformInput} and
     * {@link #ruleCounts} describe that input.
     */
    public RunCounts ofInput(String view) {
        Map<String, Long> counts = new TreeMap<>();
        String scope = "@" + view + ".";
        accumulators.forEach(
                (name, value) -> {
                    int at = name.indexOf(scope);
                    if (at > 0 && name.indexOf('.') == at + scope.length() - 1) {
                        counts.put(
                                name.substring(0, at) + "." + name.substring(at + scope.length()),
                                value);
                    }
                });
        return new RunCounts(Map.copyOf(counts));
    }

    /** Whether every record is accounted for, once and by the operators it passed. */
    public boolean reconciles() {
        return accumulators.values().stream().allMatch(count -> count >= 0)
                && inputReconciles()
                && transformOutput() == loaded() + rejectedOnOutput()
                && otherInputs().stream().allMatch(view -> ofInput(view).inputReconciles());
    }

    /** consumed = rejected + late + duplicates + into transform, for the main input. */
    private boolean inputReconciles() {
        long dedupeInput = get("dedupe", "in");
        return consumed() == rejectedOnInput() + late() + duplicates() + transformInput()
                && (!dedupeRan()
                        || (dedupeInput == valid()
                                && dedupeInput == duplicates() + get("dedupe", "out")));
    }

    @Override
    public String toString() {
        StringBuilder others = new StringBuilder();
        for (String view : otherInputs()) {
            RunCounts input = ofInput(view);
            others.append(
                    String.format(
                            "; %s: consumed=%d rejected=%d duplicates=%d late=%d transformed=%d",
                            view,
                            input.consumed(),
                            input.rejectedOnInput(),
                            input.duplicates(),
                            input.late(),
                            input.transformInput()));
        }
        return String.format(
                        "consumed=%d rejected=%d duplicates=%d late=%d transformed=%d->%d loaded=%d"
                                + " rejected_on_output=%d",
                        consumed(),
                        rejectedOnInput(),
                        duplicates(),
                        late(),
                        transformInput(),
                        transformOutput(),
                        loaded(),
                        rejectedOnOutput())
                + others
                + unknownFieldsSummary();
    }

    /**
     * {@code " unknown_fields=N (a.b 7, c 2, ...)"} with the ten most frequent paths, or empty if
     * no record had any.
     */
    public String unknownFieldsSummary() {
        if (withUnknownFields() == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder(" unknown_fields=").append(withUnknownFields());
        StringJoiner paths = new StringJoiner(", ", " (", ")");
        topUnknownPaths(10).forEach((path, n) -> paths.add(path + " " + n));
        return out.append(paths).toString();
    }
}
