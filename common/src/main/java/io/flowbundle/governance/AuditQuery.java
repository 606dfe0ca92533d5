package io.flowbundle.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.flowbundle.UsageException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A filter over the audit log; every criterion that is null matches everything.
 *
 * @param runId a run id, or its first characters (ids are long; the first 8 are usually enough)
 * @param since records of steps that started at or after this instant
 */
public record AuditQuery(String runId, String pipeline, Instant since, String step) {

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null);
    }

    /**
     * An ISO-8601 instant ({@code 2026-11-01T10:00:00Z}) or a date ({@code 2026-11-01}, meaning its
     * start in UTC, as every date in flowbundle).
     */
    public static Instant parseSince(String text) {
        String value = text.trim();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw new UsageException(
                        "--since '"
                                + text
                                + "': expected an instant such as 2026-11-01T10:00:00Z or a date"
                                + " such as 2026-11-01 (UTC)");
            }
        }
    }

    public boolean matches(AuditRecord record) {
        if (runId != null && (record.runId() == null || !record.runId().startsWith(runId))) {
            return false;
        }
        if (pipeline != null && !pipeline.equals(record.pipeline())) {
            return false;
        }
        if (step != null && !step.equals(record.step())) {
            return false;
        }
        if (since != null) {
            Instant at = record.startedAt() != null ? record.startedAt() : record.endedAt();
            return at != null && !at.isBefore(since);
        }
        return true;
    }

    public List<AuditRecord> select(List<AuditRecord> records) {
        return records.stream().filter(this::matches).toList();
    }

    /** Aligned columns, one record a line, oldest first. */
    public static String text(List<AuditRecord> records) {
        TextTable table =
                new TextTable(
                        "STARTED",
                        "RUN",
                        "PIPELINE",
                        "DATE",
                        "STEP",
                        "STATUS",
                        "IN",
                        "OUT",
                        "REJECTED",
                        "DUPLICATES",
                        "LATE",
                        "TARGET",
                        "ERROR");
        for (AuditRecord r : records) {
            table.row(
                    r.startedAt() == null ? null : r.startedAt().truncatedTo(ChronoUnit.SECONDS),
                    r.runId(),
                    r.pipeline(),
                    r.logicalDate(),
                    r.step(),
                    r.status(),
                    r.rowsIn(),
                    r.rowsOut(),
                    r.rowsRejected(),
                    r.rowsDuplicates(),
                    r.rowsLate(),
                    r.target(),
                    r.error() == null ? "" : r.error());
        }
        return table.render("");
    }

    /** JSON Lines in the log's own format, so the output can be filtered again or re-ingested. */
    public static String jsonLines(List<AuditRecord> records) {
        StringBuilder out = new StringBuilder();
        for (AuditRecord record : records) {
            try {
                out.append(AuditLog.json().writeValueAsString(record)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }
}
