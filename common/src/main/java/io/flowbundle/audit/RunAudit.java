package io.flowbundle.audit;

import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a run's counts into audit records, one per step, the same way for both modes:
 * extract (batch), validate, dedupe, transform, load, stage, quarantine, and a closing
 * {@code run} record whose counts reconcile the whole run.
 */
public final class RunAudit {

    private final RunInfo run;
    private final String pipeline;
    private final String actor;
    private final Integer attempt;
    private final List<AuditRecord> records = new ArrayList<>();

    public RunAudit(RunInfo run, String pipeline, String actor) {
        this(run, pipeline, actor, null);
    }

    /** @param attempt which attempt of a scheduled step this run is, or null */
    public RunAudit(RunInfo run, String pipeline, String actor, Integer attempt) {
        this.run = run;
        this.pipeline = pipeline;
        this.actor = actor;
        this.attempt = attempt;
    }

    /** Adds one step. Counts may be null where a step has none. */
    public RunAudit step(
            String step,
            Instant started,
            Instant ended,
            List<String> sources,
            String target,
            Long in,
            Long out,
            Long rejected,
            Long duplicates,
            Long late,
            String status,
            String error) {
        records.add(
                new AuditRecord(
                        run.runId(),
                        pipeline,
                        run.mode().name().toLowerCase(),
                        run.logicalDate() == null ? null : run.logicalDate().toString(),
                        step,
                        actor,
                        started,
                        ended,
                        sources,
                        target,
                        in,
                        out,
                        rejected,
                        duplicates,
                        late,
                        status,
                        error,
                        attempt));
        return this;
    }

    /** The steps of the shared graph, from its counts. */
    public RunAudit graphSteps(
            RunCounts counts,
            Instant started,
            Instant ended,
            String source,
            boolean dedupe,
            List<String> outputs,
            String quarantine,
            String staging) {
        String ok = AuditRecord.SUCCEEDED;
        step("validate", started, ended, List.of(source), quarantine,
                counts.consumed(), counts.valid(), counts.rejectedOnInput(), null,
                run.isBatch() ? null : counts.lateAtSource(), ok, null);
        long deduped = counts.valid();
        if (dedupe) {
            deduped = counts.get("dedupe", "out");
            step("dedupe", started, ended, List.of(source), null,
                    counts.get("dedupe", "in"), deduped, null,
                    counts.duplicates(), null, ok, null);
        }
        if (!run.isBatch()) {
            step("late", started, ended, List.of(source), quarantine,
                    deduped, counts.transformInput(), null, null,
                    counts.lateBehindWatermark(), ok, null);
        }
        step("transform", started, ended, List.of(source), null,
                counts.transformInput(), counts.transformOutput(), null, null, null, ok, null);
        step("load", started, ended, List.of("transform"), String.join(", ", outputs),
                counts.transformOutput(), counts.loaded(), counts.rejectedOnOutput(), null, null,
                ok, null);
        if (staging != null) {
            step("stage", started, ended, List.of(source), staging,
                    counts.valid() + counts.lateAtSource(), counts.valid() + counts.lateAtSource(), null, null,
                    null, ok, null);
        }
        return this;
    }

    /** The closing record: the whole run reconciles as consumed = into transform + the rest. */
    public RunAudit finish(
            RunCounts counts, Instant started, Instant ended, String source, String status,
            String error) {
        return step("run", started, ended, List.of(source), null,
                counts == null ? null : counts.consumed(),
                counts == null ? null : counts.transformInput(),
                counts == null ? null : counts.rejectedOnInput(),
                counts == null ? null : counts.duplicates(),
                counts == null ? null : counts.late(),
                status, error);
    }

    public List<AuditRecord> records() {
        return List.copyOf(records);
    }
}
