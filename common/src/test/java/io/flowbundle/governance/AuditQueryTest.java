package io.flowbundle.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.UsageException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

class AuditQueryTest {

    private static final String RUN_A = "0192f000-0000-7000-8000-00000000000a";
    private static final String RUN_B = "0192f111-0000-7000-8000-00000000000b";

    @TempDir Path dir;

    private AuditLog log;
    private List<AuditRecord> records;

    @BeforeEach
    void twoRunsAndARetention() {
        log = new AuditLog(dir.resolve("audit.jsonl"));
        log.append(
                List.of(
                        step(RUN_A, "sensor-hourly", "validate", "2026-11-01T10:00:00Z", 100L, 98L, null),
                        step(RUN_A, "sensor-hourly", "run", "2026-11-01T10:00:00Z", 100L, 98L, null),
                        step(RUN_B, "other", "validate", "2026-11-02T00:00:00Z", 5L, 5L, null),
                        step(RUN_B, "other", "run", "2026-11-02T09:30:00Z", 5L, null, "boom: the disk is full")));
        log.append(step("0192f222-0000-7000-8000-00000000000c", "sensor-hourly", "retention", "2026-12-01T03:00:00Z", null, 4L, null));
        records = log.read();
    }

    @Test
    void noCriteriaMatchEverything() {
        assertThat(AuditQuery.all().select(records)).isEqualTo(records).hasSize(5);
    }

    @Test
    void byRunIdOrItsFirstCharacters() {
        assertThat(new AuditQuery(RUN_A, null, null, null).select(records)).hasSize(2).allMatch(r -> r.runId().equals(RUN_A));
        assertThat(new AuditQuery("0192f111", null, null, null).select(records)).hasSize(2).allMatch(r -> r.runId().equals(RUN_B));
        assertThat(new AuditQuery("0192f9", null, null, null).select(records)).isEmpty();
    }

    @Test
    void byPipelineAndStep() {
        assertThat(new AuditQuery(null, "sensor-hourly", null, null).select(records)).extracting(AuditRecord::step)
                .containsExactly("validate", "run", "retention");
        assertThat(new AuditQuery(null, "sensor-hourly", null, "run").select(records)).extracting(AuditRecord::runId)
                .containsExactly(RUN_A);
        assertThat(new AuditQuery(null, null, null, "retention").select(records)).extracting(AuditRecord::rowsOut)
                .containsExactly(4L);
    }

    @Test
    void sinceAnInstantIsInclusive() {
        Instant since = AuditQuery.parseSince("2026-11-02T00:00:00Z");

        assertThat(new AuditQuery(null, null, since, null).select(records)).extracting(AuditRecord::step)
                .containsExactly("validate", "run", "retention");
    }

    @Test
    void sinceADateMeansItsStartInUtc() {
        assertThat(AuditQuery.parseSince("2026-11-02")).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(new AuditQuery(null, "other", AuditQuery.parseSince("2026-11-02"), "run").select(records)).hasSize(1);
        assertThat(new AuditQuery(null, null, AuditQuery.parseSince("2026-12-02"), null).select(records)).isEmpty();
    }

    @Test
    void aSinceThatIsNeitherIsAUsageError() {
        assertThatThrownBy(() -> AuditQuery.parseSince("yesterday"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--since 'yesterday': expected an instant such as 2026-11-01T10:00:00Z or a date such as 2026-11-01 (UTC)");
    }

    @Test
    void jsonLinesAreTheStoredLines() throws Exception {
        List<String> stored = Files.readAllLines(log.file());

        String json = AuditQuery.jsonLines(new AuditQuery(RUN_B, null, null, null).select(records));

        assertThat(json.split("\n")).containsExactly(stored.get(2), stored.get(3));
    }

    @Test
    void textIsAlignedColumnsWithDashesForMissingCounts() {
        String text = AuditQuery.text(new AuditQuery(RUN_B, null, null, null).select(records));

        assertThat(text)
                .isEqualTo(
                        "STARTED               RUN                                   PIPELINE  DATE        STEP      STATUS     IN  OUT  REJECTED  DUPLICATES  LATE  TARGET  ERROR\n"
                                + "2026-11-02T00:00:00Z  " + RUN_B + "  other     2026-11-01  validate  succeeded   5    5         -           -     -  out\n"
                                + "2026-11-02T09:30:00Z  " + RUN_B + "  other     2026-11-01  run       failed      5    -         -           -     -  out     boom: the disk is full\n");
    }

    private static AuditRecord step(
            String run, String pipeline, String step, String started, Long in, Long out, String error) {
        Instant at = Instant.parse(started);
        return new AuditRecord(
                run, pipeline, "batch", "2026-11-01", step, "test", at, at.plusSeconds(3), List.of("in"),
                "out", in, out, null, null, null,
                error == null ? AuditRecord.SUCCEEDED : AuditRecord.FAILED, error, null);
    }
}
