package io.flowbundle.governance;

import io.flowbundle.FlowbundleException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import io.flowbundle.lineage.DatasetFacets;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.lineage.LineageSink;
import io.flowbundle.lineage.PipelineLineage;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.LifecycleStateChangeDatasetFacet.LifecycleStateChange;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Retention for the datasets of one pipeline: {@link #plan} says what is expired, {@link #apply}
 * deletes it and leaves a trace: one audit record per dataset (step {@code retention}, {@code
 * rows_out} = partitions deleted) and one OpenLineage event for job {@code retention:<pipeline>}
 * whose outputs are the datasets it truncated. A plan leaves no trace, and neither does a pipeline
 * none of whose datasets has a retention.
 */
public final class RetentionRun {

    public static final String STEP = "retention";

    private final AuditLog audit;
    private final LineageSink lineage;
    private final String actor;

    public RetentionRun(AuditLog audit, LineageSink lineage, String actor) {
        this.audit = audit;
        this.lineage = lineage;
        this.actor = actor;
    }

    /**
     * One dataset's outcome.
     *
     * @param cutoff the first date kept, or null when the dataset has no retention
     * @param deleted partitions deleted (0 in a plan)
     * @param error why the dataset could not be cleaned (completely), or null
     */
    public record DatasetResult(
            Retention.Dataset dataset,
            LocalDate cutoff,
            List<Retention.Partition> expired,
            int deleted,
            String error) {

        public DatasetResult {
            expired = List.copyOf(expired);
        }

        public boolean governed() {
            return cutoff != null;
        }
    }

    /** What retention found, or did, for one pipeline. */
    public record Result(
            String pipeline,
            String runId,
            LocalDate today,
            boolean applied,
            List<DatasetResult> datasets) {

        public Result {
            datasets = List.copyOf(datasets);
        }

        public boolean failed() {
            return datasets.stream().anyMatch(d -> d.error() != null);
        }

        public String text() {
            StringBuilder out = new StringBuilder();
            out.append("retention for ")
                    .append(pipeline)
                    .append(" (today ")
                    .append(today)
                    .append(
                            applied
                                    ? ", run " + runId + ")"
                                    : ", dry run: nothing deleted; --apply deletes)")
                    .append('\n');
            long partitions = 0;
            long files = 0;
            long bytes = 0;
            for (DatasetResult result : datasets) {
                Retention.Dataset dataset = result.dataset();
                out.append(String.format("  %-10s  %s: ", dataset.role(), dataset.path()));
                if (!result.governed()) {
                    out.append(
                            dataset.contract() == null
                                    ? "kept (no contract declared for it)"
                                    : "kept (contract "
                                            + dataset.contract().name()
                                            + " has no retention_days)");
                } else {
                    out.append(dataset.retentionDays())
                            .append(" days, keeps ")
                            .append(result.cutoff())
                            .append(" and later; ")
                            .append(result.expired().size())
                            .append(" partition(s) expired");
                }
                out.append('\n');
                for (int i = 0; i < result.expired().size(); i++) {
                    Retention.Partition partition = result.expired().get(i);
                    boolean gone = i < result.deleted();
                    out.append("    ")
                            .append(
                                    applied
                                            ? (gone ? "deleted " : "kept (not deleted) ")
                                            : "would delete ")
                            .append(partition.name())
                            .append(" (")
                            .append(partition.files())
                            .append(" file(s), ")
                            .append(partition.bytes())
                            .append(" bytes)\n");
                    if (gone || !applied) {
                        partitions++;
                        files += partition.files();
                        bytes += partition.bytes();
                    }
                }
                if (result.error() != null) {
                    out.append("    error: ").append(result.error()).append('\n');
                }
            }
            out.append(applied ? "  deleted " : "  would delete ")
                    .append(partitions)
                    .append(" partition(s), ")
                    .append(files)
                    .append(" file(s), ")
                    .append(bytes)
                    .append(" bytes\n");
            return out.toString();
        }
    }

    /** What {@link #apply} would delete today; reads folder listings only. */
    public static Result plan(PipelineSpec spec, LocalDate today) {
        List<DatasetResult> results = new ArrayList<>();
        for (Retention.Dataset dataset : Retention.datasets(spec)) {
            results.add(examine(dataset, today));
        }
        return new Result(spec.name(), null, today, false, results);
    }

    /** Deletes the expired partitions of every dataset of {@code spec} with retention. */
    public Result apply(PipelineSpec spec, LocalDate today) {
        String runId = RunInfo.start(RunInfo.Mode.BATCH, today).runId();
        List<DatasetResult> results = new ArrayList<>();
        List<AuditRecord> records = new ArrayList<>();
        for (Retention.Dataset dataset : Retention.datasets(spec)) {
            Instant started = Instant.now();
            DatasetResult planned = examine(dataset, today);
            if (!planned.governed()) {
                results.add(planned);
                continue;
            }
            DatasetResult done = planned.error() != null ? planned : delete(planned, runId);
            results.add(done);
            records.add(
                    AuditRecord.builder()
                            .runId(runId)
                            .pipeline(spec.name())
                            .logicalDate(today.toString())
                            .step(STEP)
                            .actor(actor)
                            .startedAt(started)
                            .endedAt(Instant.now())
                            .target(dataset.path())
                            .rowsOut((long) done.deleted())
                            .status(
                                    done.error() == null
                                            ? AuditRecord.SUCCEEDED
                                            : AuditRecord.FAILED)
                            .error(done.error())
                            .build());
        }
        Result result = new Result(spec.name(), runId, today, true, results);
        if (!records.isEmpty()) {
            audit.append(records);
            lineage.emit(event(result));
        }
        return result;
    }

    private static DatasetResult examine(Retention.Dataset dataset, LocalDate today) {
        Integer days = dataset.retentionDays();
        if (days == null) {
            return new DatasetResult(dataset, null, List.of(), 0, null);
        }
        LocalDate cutoff = Retention.cutoff(days, today);
        try {
            return new DatasetResult(
                    dataset, cutoff, Retention.expired(dataset.location(), cutoff), 0, null);
        } catch (FlowbundleException | UncheckedIOException e) {
            return new DatasetResult(dataset, cutoff, List.of(), 0, e.getMessage());
        }
    }

    /** Stops at the first partition that cannot be deleted: later ones are kept, and reported. */
    private static DatasetResult delete(DatasetResult planned, String runId) {
        int deleted = 0;
        String error = null;
        for (Retention.Partition partition : planned.expired()) {
            try {
                Retention.delete(planned.dataset().location(), partition, runId);
                deleted++;
            } catch (IOException | FlowbundleException e) {
                org.apache.flink.core.fs.Path folder =
                        new org.apache.flink.core.fs.Path(
                                planned.dataset().location(), partition.name());
                error =
                        Locations.isLocal(folder)
                                ? Locations.describe(folder)
                                        + ": cannot delete ("
                                        + e.getMessage()
                                        + "); fix permissions and rerun retention"
                                : "cannot delete "
                                        + StorageErrors.describe(folder, e)
                                        + "; rerun retention";
                break;
            }
        }
        return new DatasetResult(
                planned.dataset(), planned.cutoff(), planned.expired(), deleted, error);
    }

    private OpenLineage.RunEvent event(Result result) {
        OpenLineage ol = new OpenLineage(PipelineLineage.PRODUCER);
        DatasetFacets facets = new DatasetFacets(ol);
        List<OpenLineage.OutputDataset> outputs = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (DatasetResult dataset : result.datasets()) {
            if (dataset.error() != null) {
                errors.add(dataset.error());
            }
            if (dataset.deleted() == 0) {
                continue;
            }
            Datasets.Id id = Datasets.location(dataset.dataset().location());
            outputs.add(
                    ol.newOutputDatasetBuilder()
                            .namespace(id.namespace())
                            .name(id.name())
                            .facets(
                                    facets.build(
                                            id,
                                            dataset.dataset().contract(),
                                            dataset.dataset().contract().rowType(),
                                            null,
                                            LifecycleStateChange.TRUNCATE))
                            .build());
        }
        OpenLineage.RunFacetsBuilder runFacets = ol.newRunFacetsBuilder();
        if (!errors.isEmpty()) {
            runFacets.errorMessage(
                    ol.newErrorMessageRunFacetBuilder()
                            .message(String.join("; ", errors))
                            .programmingLanguage("JAVA")
                            .build());
        }
        return ol.newRunEventBuilder()
                .eventType(errors.isEmpty() ? EventType.COMPLETE : EventType.FAIL)
                .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
                .run(ol.newRun(UUID.fromString(result.runId()), runFacets.build()))
                .job(
                        ol.newJob(
                                lineage.namespace(),
                                STEP + ":" + result.pipeline(),
                                ol.newJobFacetsBuilder()
                                        .jobType(
                                                ol.newJobTypeJobFacetBuilder()
                                                        .processingType("BATCH")
                                                        .integration("FLOWBUNDLE")
                                                        .jobType("RETENTION")
                                                        .build())
                                        .build()))
                .inputs(List.of())
                .outputs(outputs)
                .build();
    }
}
