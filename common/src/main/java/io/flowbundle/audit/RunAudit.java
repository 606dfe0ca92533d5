package io.flowbundle.audit;

import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a run's counts into audit records, one per step, the same way for both modes: extract
 * (batch), validate, dedupe, transform, load, stage, quarantine, and a closing {@code run} record
 * whose counts reconcile the whole run.
 */
public final class RunAudit {

    /**
     * What the shared graph read and wrote, as the steps name it.
     *
     * @param source the source every step reads
     * @param dedupe whether the pipeline dedupes (a dedupe step)
     * @param outputs the output datasets (the load step's target)
     * @param quarantine where rejected rows go (the validate and late steps' target)
     * @param staging the staging (landing) layer, or null if the pipeline has none
     */
    public record Graph(
            String source,
            boolean dedupe,
            List<String> outputs,
            String quarantine,
            String staging) {}

    /** How a run ended, or that it is running: a status and, for a failure, its message. */
    public record Outcome(String status, String error) {
        public static Outcome succeeded() {
            return new Outcome(AuditRecord.SUCCEEDED, null);
        }

        public static Outcome running() {
            return new Outcome(AuditRecord.RUNNING, null);
        }

        public static Outcome failed(String error) {
            return new Outcome(AuditRecord.FAILED, error);
        }
    }

    private final RunInfo run;
    private final String pipeline;
    private final String actor;
    private final Integer attempt;
    private final List<AuditRecord> records = new ArrayList<>();
    private Map<String, String> settings = Map.of();
    private Map<String, Input> otherInputs = Map.of();

    /**
     * An input besides the main one, as the steps name it.
     *
     * @param source the dataset it reads
     * @param dedupe whether it is deduped
     * @param quarantine where its rejected rows go
     */
    public record Input(String source, boolean dedupe, String quarantine) {}

    public RunAudit(RunInfo run, String pipeline, String actor) {
        this(run, pipeline, actor, null);
    }

    /**
     * @param attempt which attempt of a scheduled step this run is, or null
     */
    public RunAudit(RunInfo run, String pipeline, String actor, Integer attempt) {
        this.run = run;
        this.pipeline = pipeline;
        this.actor = actor;
        this.attempt = attempt;
    }

    /**
     * Adds one step: {@code step} says what it did (name, times, sources, target, counts where it
     * has any, status); run id, pipeline, mode, logical date, actor and attempt are the run's.
     */
    public RunAudit step(AuditRecord.Builder step) {
        records.add(
                step.runId(run.runId())
                        .pipeline(pipeline)
                        .mode(run.mode().name().toLowerCase())
                        .logicalDate(
                                run.logicalDate() == null ? null : run.logicalDate().toString())
                        .actor(actor)
                        .attempt(attempt)
                        .build());
        return this;
    }

    /**
     * A step of this run that succeeded between {@code started} and {@code ended}, reading {@code
     * source}.
     */
    private static AuditRecord.Builder succeeded(
            String step, Instant started, Instant ended, String source) {
        return AuditRecord.builder()
                .step(step)
                .startedAt(started)
                .endedAt(ended)
                .sources(List.of(source))
                .status(AuditRecord.SUCCEEDED);
    }

    /** The steps of the shared graph, from its counts. */
    public RunAudit graphSteps(RunCounts counts, Instant started, Instant ended, Graph graph) {
        String source = graph.source();
        step(
                succeeded("validate", started, ended, source)
                        .target(graph.quarantine())
                        .rowsIn(counts.consumed())
                        .rowsOut(counts.valid())
                        .rowsRejected(counts.rejectedOnInput())
                        .rowsLate(run.isBatch() ? null : counts.lateAtSource()));
        long deduped = counts.valid();
        if (graph.dedupe()) {
            deduped = counts.get("dedupe", "out");
            step(
                    succeeded("dedupe", started, ended, source)
                            .rowsIn(counts.get("dedupe", "in"))
                            .rowsOut(deduped)
                            .rowsDuplicates(counts.duplicates()));
        }
        if (!run.isBatch()) {
            step(
                    succeeded("late", started, ended, source)
                            .target(graph.quarantine())
                            .rowsIn(deduped)
                            .rowsOut(counts.transformInput())
                            .rowsLate(counts.lateBehindWatermark()));
        }
        step(
                succeeded("transform", started, ended, source)
                        .rowsIn(counts.transformInput())
                        .rowsOut(counts.transformOutput()));
        step(
                succeeded("load", started, ended, "transform")
                        .target(String.join(", ", graph.outputs()))
                        .rowsIn(counts.transformOutput())
                        .rowsOut(counts.loaded())
                        .rowsRejected(counts.rejectedOnOutput()));
        if (graph.staging() != null) {
            step(
                    succeeded("stage", started, ended, source)
                            .target(graph.staging())
                            .rowsIn(counts.valid() + counts.lateAtSource())
                            .rowsOut(counts.valid() + counts.lateAtSource()));
        }
        otherInputs.forEach(
                (view, input) -> inputSteps(counts.ofInput(view), started, ended, input));
        return this;
    }

    /**
     * The validate, dedupe and late steps of an input besides the main one, from its own counts:
     * each reconciles on its own (consumed = rejected + late + duplicates + into transform).
     */
    private void inputSteps(RunCounts counts, Instant started, Instant ended, Input input) {
        step(
                succeeded("validate", started, ended, input.source())
                        .target(input.quarantine())
                        .rowsIn(counts.consumed())
                        .rowsOut(counts.valid())
                        .rowsRejected(counts.rejectedOnInput())
                        .rowsLate(run.isBatch() ? null : counts.lateAtSource()));
        long deduped = counts.valid();
        if (input.dedupe()) {
            deduped = counts.get("dedupe", "out");
            step(
                    succeeded("dedupe", started, ended, input.source())
                            .rowsIn(counts.get("dedupe", "in"))
                            .rowsOut(deduped)
                            .rowsDuplicates(counts.duplicates()));
        }
        if (!run.isBatch()) {
            step(
                    succeeded("late", started, ended, input.source())
                            .target(input.quarantine())
                            .rowsIn(deduped)
                            .rowsOut(counts.transformInput())
                            .rowsLate(counts.lateBehindWatermark()));
        }
    }

    /**
     * The closing record: the whole run reconciles as consumed = into transform + the rest.
     *
     * @param counts the run's counts, or null if it has none (it failed before its job ran, or is
     *     running)
     * @param ended null while the run is running
     */
    public RunAudit finish(
            RunCounts counts, Instant started, Instant ended, String source, Outcome outcome) {
        AuditRecord.Builder record =
                AuditRecord.builder()
                        .step("run")
                        .startedAt(started)
                        .endedAt(ended)
                        .sources(sources(source))
                        .status(outcome.status())
                        .error(outcome.error())
                        .settings(settings);
        if (counts != null) {
            // over every input: each reconciles on its own, so their sums do
            long in = counts.consumed();
            long out = counts.transformInput();
            long rejected = counts.rejectedOnInput();
            long duplicates = counts.duplicates();
            long late = counts.late();
            for (String view : otherInputs.keySet()) {
                RunCounts input = counts.ofInput(view);
                in += input.consumed();
                out += input.transformInput();
                rejected += input.rejectedOnInput();
                duplicates += input.duplicates();
                late += input.late();
            }
            record.rowsIn(in)
                    .rowsOut(out)
                    .rowsRejected(rejected)
                    .rowsDuplicates(duplicates)
                    .rowsLate(late);
            // the main input's: the fields its producers add without a contract naming them
            if (counts.withUnknownFields() > 0) {
                record.unknownFields(counts.withUnknownFields(), counts.topUnknownPaths(10));
            }
        }
        return step(record);
    }

    /**
     * Settings the closing {@code run} record lists (which client properties were set, with secrets
     * masked: see {@link io.flowbundle.config.Secrets#redactedView}).
     */
    public RunAudit settings(Map<String, String> redacted) {
        this.settings = Map.copyOf(redacted);
        return this;
    }

    /** The inputs besides the main one, by view: their steps and their share of the counts. */
    public RunAudit otherInputs(Map<String, Input> inputs) {
        this.otherInputs = new java.util.LinkedHashMap<>(inputs);
        return this;
    }

    private List<String> sources(String source) {
        List<String> out = new ArrayList<>();
        out.add(source);
        otherInputs.values().forEach(input -> out.add(input.source()));
        return out;
    }

    public List<AuditRecord> records() {
        return List.copyOf(records);
    }
}
