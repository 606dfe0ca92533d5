package io.flowbundle.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.UsageException;
import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                        step(RUN_A, "sensor-hourly", "validate", "2026-11-01T10:00:00Z")
                                .rowsIn(100L)
                                .rowsOut(98L)
                                .build(),
                        step(RUN_A, "sensor-hourly", "run", "2026-11-01T10:00:00Z")
                                .rowsIn(100L)
                                .rowsOut(98L)
                                .build(),
                        step(RUN_B, "other", "validate", "2026-11-02T00:00:00Z")
                                .rowsIn(5L)
                                .rowsOut(5L)
                                .build(),
                        step(RUN_B, "other", "run", "2026-11-02T09:30:00Z")
                                .rowsIn(5L)
                                .status(AuditRecord.FAILED)
                                .error("boom: the disk is full")
                                .build()));
        log.append(
                step(
                                "0192f222-0000-7000-8000-00000000000c",
                                "sensor-hourly",
                                "retention",
                                "2026-12-01T03:00:00Z")
                        .rowsOut(4L)
                        .build());
        records = log.read();
    }

    @Test
    void noCriteriaMatchEverything() {
        assertThat(AuditQuery.all().select(records)).isEqualTo(records).hasSize(5);
    }

    @Test
    void byRunIdOrItsFirstCharacters() {
        assertThat(new AuditQuery(RUN_A, null, null, null).select(records))
                .hasSize(2)
                .allMatch(r -> r.runId().equals(RUN_A));
        assertThat(new AuditQuery("0192f111", null, null, null).select(records))
                .hasSize(2)
                .allMatch(r -> r.runId().equals(RUN_B));
        assertThat(new AuditQuery("0192f9", null, null, null).select(records)).isEmpty();
    }

    @Test
    void byPipelineAndStep() {
        assertThat(new AuditQuery(null, "sensor-hourly", null, null).select(records))
                .extracting(AuditRecord::step)
                .containsExactly("validate", "run", "retention");
        assertThat(new AuditQuery(null, "sensor-hourly", null, "run").select(records))
                .extracting(AuditRecord::runId)
                .containsExactly(RUN_A);
        assertThat(new AuditQuery(null, null, null, "retention").select(records))
                .extracting(AuditRecord::rowsOut)
                .containsExactly(4L);
    }

    @Test
    void sinceAnInstantIsInclusive() {
        Instant since = AuditQuery.parseSince("2026-11-02T00:00:00Z");

        assertThat(new AuditQuery(null, null, since, null).select(records))
                .extracting(AuditRecord::step)
                .containsExactly("validate", "run", "retention");
    }

    @Test
    void sinceADateMeansItsStartInUtc() {
        assertThat(AuditQuery.parseSince("2026-11-02"))
                .isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(
                        new AuditQuery(null, "other", AuditQuery.parseSince("2026-11-02"), "run")
                                .select(records))
                .hasSize(1);
        assertThat(
                        new AuditQuery(null, null, AuditQuery.parseSince("2026-12-02"), null)
                                .select(records))
                .isEmpty();
    }

    @Test
    void aSinceThatIsNeitherIsAUsageError() {
        assertThatThrownBy(() -> AuditQuery.parseSince("yesterday"))
                .isInstanceOf(UsageException.class)
                .hasMessage(
                        "--since 'yesterday': expected an instant such as 2026-11-01T10:00:00Z or a date such as 2026-11-01 (UTC)");
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
                                + "2026-11-02T00:00:00Z  "
                                + RUN_B
                                + "  other     2026-11-01  validate  succeeded   5    5         -           -     -  out\n"
                                + "2026-11-02T09:30:00Z  "
                                + RUN_B
                                + "  other     2026-11-01  run       failed      5    -         -           -     -  out     boom: the disk is full\n");
    }

    /**
     * A succeeded step of run {@code run} of {@code pipeline} that took 3 s; counts to be set by
     * the test.
     */
    private static AuditRecord.Builder step(
            String run, String pipeline, String step, String started) {
        Instant at = Instant.parse(started);
        return AuditRecord.builder()
                .runId(run)
                .pipeline(pipeline)
                .mode("batch")
                .logicalDate("2026-11-01")
                .step(step)
                .actor("test")
                .startedAt(at)
                .endedAt(at.plusSeconds(3))
                .sources(List.of("in"))
                .target("out")
                .status(AuditRecord.SUCCEEDED);
    }
}
