package io.flowbundle.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of one run, as written to the audit log. Counts reconcile per step: {@code rows_in =
 * rows_out + rows_rejected + rows_duplicates + rows_late}.
 *
 * <p>Built with {@link #builder()}: most steps leave most fields null, and eighteen positional
 * arguments, five of them counts of one type, are too easy to shift by one.
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
        @JsonProperty("attempt") Integer attempt,
        @JsonProperty("settings") Map<String, String> settings,
        @JsonProperty("rows_unknown_fields") Long rowsUnknownFields,
        @JsonProperty("unknown_paths") Map<String, Long> unknownPaths) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String RUNNING = "running";
    public static final String CANCELLED = "cancelled";

    /**
     * Whether the counts add up. Steps without counts reconcile trivially, and so does {@code
     * transform}: a SQL aggregate turns many rows into few by design.
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

    public static Builder builder() {
        return new Builder();
    }

    /** A record under construction; {@link #build()} needs run id, pipeline, step and status. */
    public static final class Builder {
        private String runId;
        private String pipeline;
        private String mode;
        private String logicalDate;
        private String step;
        private String actor;
        private Instant startedAt;
        private Instant endedAt;
        private List<String> sources;
        private String target;
        private Long rowsIn;
        private Long rowsOut;
        private Long rowsRejected;
        private Long rowsDuplicates;
        private Long rowsLate;
        private String status;
        private String error;
        private Integer attempt;
        private Map<String, String> settings;
        private Long rowsUnknownFields;
        private Map<String, Long> unknownPaths;

        private Builder() {}

        public Builder runId(String value) {
            runId = value;
            return this;
        }

        public Builder pipeline(String value) {
            pipeline = value;
            return this;
        }

        /** batch, streaming, schedule; null for steps outside a run mode (retention). */
        public Builder mode(String value) {
            mode = value;
            return this;
        }

        public Builder logicalDate(String value) {
            logicalDate = value;
            return this;
        }

        public Builder step(String value) {
            step = value;
            return this;
        }

        public Builder actor(String value) {
            actor = value;
            return this;
        }

        public Builder startedAt(Instant value) {
            startedAt = value;
            return this;
        }

        /** Null while the step is still running. */
        public Builder endedAt(Instant value) {
            endedAt = value;
            return this;
        }

        public Builder sources(List<String> value) {
            sources = value;
            return this;
        }

        public Builder target(String value) {
            target = value;
            return this;
        }

        public Builder rowsIn(Long value) {
            rowsIn = value;
            return this;
        }

        public Builder rowsOut(Long value) {
            rowsOut = value;
            return this;
        }

        public Builder rowsRejected(Long value) {
            rowsRejected = value;
            return this;
        }

        public Builder rowsDuplicates(Long value) {
            rowsDuplicates = value;
            return this;
        }

        public Builder rowsLate(Long value) {
            rowsLate = value;
            return this;
        }

        /** {@link #SUCCEEDED}, {@link #FAILED}, {@link #RUNNING} or {@link #CANCELLED}. */
        public Builder status(String value) {
            status = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        /** Which attempt of a scheduled step, or null. */
        public Builder attempt(Integer value) {
            attempt = value;
            return this;
        }

        /**
         * Settings the run was given that the audit should show, by spec key (e.g. {@code
         * source.properties.security.protocol}); values of secrets already masked.
         */
        public Builder settings(Map<String, String> value) {
            settings =
                    value == null || value.isEmpty()
                            ? null
                            : Collections.unmodifiableMap(
                                    new TreeMap<>(value)); // sorted: stable JSON
            return this;
        }

        /**
         * Records that had fields their contract does not name ({@code unknown_fields: keep}), and
         * the most frequent of those fields' dotted paths with the records that had each, most
         * frequent first (schema drift at a glance); null when the run keeps none.
         */
        public Builder unknownFields(Long records, Map<String, Long> topPaths) {
            rowsUnknownFields = records;
            unknownPaths =
                    topPaths == null || topPaths.isEmpty()
                            ? null
                            : Collections.unmodifiableMap(new LinkedHashMap<>(topPaths));
            return this;
        }

        /**
         * @throws IllegalStateException naming the first required field that is not set
         */
        public AuditRecord build() {
            require(runId, "runId");
            require(pipeline, "pipeline");
            require(step, "step");
            require(status, "status");
            return new AuditRecord(
                    runId,
                    pipeline,
                    mode,
                    logicalDate,
                    step,
                    actor,
                    startedAt,
                    endedAt,
                    sources,
                    target,
                    rowsIn,
                    rowsOut,
                    rowsRejected,
                    rowsDuplicates,
                    rowsLate,
                    status,
                    error,
                    attempt,
                    settings,
                    rowsUnknownFields,
                    unknownPaths);
        }

        private void require(Object value, String name) {
            if (value == null) {
                throw new IllegalStateException(
                        "an audit record needs "
                                + name
                                + "; set it with "
                                + name
                                + "(...)"
                                + (step == null ? "" : " (step " + step + ")"));
            }
        }
    }
}
