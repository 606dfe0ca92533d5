package io.flowbundle.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * One step of one run, as written to the audit log. Counts reconcile per step:
 * {@code rows_in = rows_out + rows_rejected + rows_duplicates + rows_late}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(
        @JsonProperty("run_id") String runId,
        @JsonProperty("pipeline") String pipeline,
        @JsonProperty("mode") String mode,
        @JsonProperty("logical_date") String logicalDate,
        @JsonProperty("step") String step,
        @JsonProperty("actor") String actor,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("ended_at") Instant endedAt,
        @JsonProperty("sources") List<String> sources,
        @JsonProperty("target") String target,
        @JsonProperty("rows_in") Long rowsIn,
        @JsonProperty("rows_out") Long rowsOut,
        @JsonProperty("rows_rejected") Long rowsRejected,
        @JsonProperty("rows_duplicates") Long rowsDuplicates,
        @JsonProperty("rows_late") Long rowsLate,
        @JsonProperty("status") String status,
        @JsonProperty("error") String error,
        @JsonProperty("attempt") Integer attempt) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String RUNNING = "running";
    public static final String CANCELLED = "cancelled";

    /**
     * Whether the counts add up. Steps without counts reconcile trivially, and so does
     * {@code transform}: a SQL aggregate turns many rows into few by design.
     */
    public boolean reconciles() {
        if (rowsIn == null || rowsOut == null || "transform".equals(step)) {
            return true;
        }
        return rowsIn == rowsOut + zero(rowsRejected) + zero(rowsDuplicates) + zero(rowsLate);
    }

    private static long zero(Long value) {
        return value == null ? 0L : value;
    }
}
