package io.flowbundle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.testing.Times;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunAuditTest {

    private static final Instant STARTED = Times.instant("2026-11-02T01:00:00Z");
    private static final Instant ENDED = Times.instant("2026-11-02T01:03:00Z");

    /** The accumulators of a run whose dedupe (if any) saw every valid row. */
    private static RunCounts counts(
            long in,
            long out,
            long rejected,
            long duplicates,
            long late,
            long results,
            long loaded,
            long rejectedResults) {
        return RunCounts.of(
                Map.of(
                        "input.in", in,
                        "input.out", out,
                        "input.rejected", rejected,
                        "late.events", late,
                        "dedupe.in", out,
                        "dedupe.duplicates", duplicates,
                        "dedupe.out", out - duplicates,
                        "output.in", results,
                        "output.out", loaded,
                        "output.rejected", rejectedResults));
    }

    @Test
    void streamingRunHasEveryStepAndEveryStepReconciles() {
        RunInfo run = new RunInfo("run-1", RunInfo.Mode.STREAMING, null);
        RunCounts counts = counts(1000, 945, 50, 20, 5, 100, 98, 2);

        List<AuditRecord> records =
                new RunAudit(run, "sensor-hourly-stream", "etl-bot")
                        .graphSteps(
                                counts,
                                STARTED,
                                ENDED,
                                new RunAudit.Graph(
                                        "kafka://127.0.0.1:9092/sensor-events",
                                        true,
                                        List.of(
                                                "kafka://127.0.0.1:9092/sensor-hourly",
                                                "out/stream/sensor-hourly"),
                                        "kafka://127.0.0.1:9092/sensor-events-dlq",
                                        "out/stream/landing"))
                        .finish(
                                counts,
                                STARTED,
                                ENDED,
                                "kafka://127.0.0.1:9092/sensor-events",
                                RunAudit.Outcome.succeeded())
                        .records();

        assertThat(records)
                .extracting(AuditRecord::step)
                .containsExactly("validate", "dedupe", "late", "transform", "load", "stage", "run");
        assertThat(records)
                .allSatisfy(
                        r -> {
                            assertThat(r.runId()).isEqualTo("run-1");
                            assertThat(r.pipeline()).isEqualTo("sensor-hourly-stream");
                            assertThat(r.mode()).isEqualTo("streaming");
                            assertThat(r.logicalDate()).isNull();
                            assertThat(r.actor()).isEqualTo("etl-bot");
                            assertThat(r.reconciles()).as("step %s reconciles", r.step()).isTrue();
                        });
        AuditRecord validate = records.get(0);
        assertThat(validate.rowsIn()).isEqualTo(1000);
        assertThat(validate.rowsOut()).as("valid and on time").isEqualTo(945);
        assertThat(validate.rowsRejected()).isEqualTo(50);
        assertThat(validate.rowsLate()).as("late events leave at the gate").isEqualTo(5);
        AuditRecord dedupe = records.get(1);
        assertThat(dedupe.rowsIn()).isEqualTo(945);
        assertThat(dedupe.rowsOut()).isEqualTo(925);
        assertThat(dedupe.rowsDuplicates()).isEqualTo(20);
        AuditRecord late = records.get(2);
        assertThat(late.rowsIn()).isEqualTo(925);
        assertThat(late.rowsLate()).as("none late by the job's watermark").isZero();
        AuditRecord load = records.get(4);
        assertThat(load.target())
                .isEqualTo("kafka://127.0.0.1:9092/sensor-hourly, out/stream/sensor-hourly");
        assertThat(load.rowsIn()).isEqualTo(100);
        assertThat(load.rowsOut()).isEqualTo(98);
        AuditRecord stage = records.get(5);
        assertThat(stage.rowsIn()).as("the landing layer keeps late events too").isEqualTo(950);
        AuditRecord whole = records.get(6);
        assertThat(whole.rowsIn()).isEqualTo(1000);
        assertThat(whole.rowsOut()).isEqualTo(925);
        assertThat(whole.rowsLate()).isEqualTo(5);
    }

    @Test
    void batchRunHasNoLateStepAndCarriesItsLogicalDate() {
        RunInfo run = new RunInfo("run-2", RunInfo.Mode.BATCH, LocalDate.of(2026, 11, 1));
        RunCounts counts = counts(500, 490, 10, 0, 0, 48, 48, 0);

        List<AuditRecord> records =
                new RunAudit(run, "sensor-hourly", "etl-bot")
                        .graphSteps(
                                counts,
                                STARTED,
                                ENDED,
                                new RunAudit.Graph(
                                        "data/sensor-events",
                                        false,
                                        List.of("out/sensor-hourly"),
                                        "out/quarantine",
                                        null))
                        .records();

        assertThat(records)
                .extracting(AuditRecord::step)
                .containsExactly("validate", "transform", "load");
        assertThat(records).extracting(AuditRecord::mode).containsOnly("batch");
        assertThat(records).extracting(AuditRecord::logicalDate).containsOnly("2026-11-01");
        assertThat(records).allMatch(AuditRecord::reconciles);
    }

    @Test
    void failedRunWithoutCounts() {
        List<AuditRecord> records =
                new RunAudit(
                                new RunInfo("run-3", RunInfo.Mode.BATCH, null),
                                "sensor-hourly",
                                "etl-bot")
                        .finish(
                                null,
                                STARTED,
                                ENDED,
                                "data/sensor-events",
                                RunAudit.Outcome.failed("source data/sensor-events does not exist"))
                        .records();

        AuditRecord run = records.get(0);
        assertThat(run.status()).isEqualTo(AuditRecord.FAILED);
        assertThat(run.error()).isEqualTo("source data/sensor-events does not exist");
        assertThat(run.rowsIn()).isNull();
        assertThat(run.reconciles()).isTrue();
    }

    @Test
    void recordsAreASnapshot() {
        RunAudit audit = new RunAudit(new RunInfo("run-4", RunInfo.Mode.BATCH, null), "p", "a");
        List<AuditRecord> before = audit.records();

        audit.step(
                AuditRecord.builder()
                        .step("extract")
                        .startedAt(STARTED)
                        .endedAt(ENDED)
                        .sources(List.of("s"))
                        .target("t")
                        .rowsIn(1L)
                        .rowsOut(1L)
                        .status(AuditRecord.SUCCEEDED));

        assertThat(before).isEmpty();
        assertThat(audit.records()).hasSize(1);
        assertThatThrownBy(() -> audit.records().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theRunRecordListsRecordsWithUnknownFieldsAndTheTenMostFrequentPaths() throws Exception {
        Map<String, Long> accumulators =
                new java.util.HashMap<>(counts(100, 100, 0, 0, 0, 10, 10, 0).accumulators());
        accumulators.put("unknown.records", 40L);
        for (int i = 1; i <= 12; i++) {
            accumulators.put("unknown.path.f" + i, (long) i);
        }
        accumulators.put("unknown.path.location.floor", 12L);
        RunCounts counts = RunCounts.of(accumulators);
        RunInfo run = new RunInfo("run-1", RunInfo.Mode.BATCH, LocalDate.of(2026, 11, 1));

        AuditRecord closing =
                new RunAudit(run, "p", "etl-bot")
                        .finish(counts, STARTED, ENDED, "in", RunAudit.Outcome.succeeded())
                        .records()
                        .get(0);

        assertThat(counts.reconciles())
                .as("unknown fields are outside the reconciliation")
                .isTrue();
        assertThat(closing.rowsUnknownFields()).isEqualTo(40L);
        assertThat(closing.unknownPaths().keySet())
                .containsExactly(
                        "f12", "location.floor", "f11", "f10", "f9", "f8", "f7", "f6", "f5", "f4");
        assertThat(closing.unknownPaths()).containsEntry("location.floor", 12L);
        String json =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .findAndRegisterModules()
                        .writeValueAsString(closing);
        assertThat(json)
                .contains("\"rows_unknown_fields\":40")
                .contains("\"unknown_paths\":{\"f12\":12,\"location.floor\":12,\"f11\":11");
        assertThat(counts.toString())
                .endsWith(
                        " unknown_fields=40 (f12 12, location.floor 12, f11 11, f10 10, f9 9, f8 8, f7 7, f6 6, f5 5, f4 4)");
        assertThat(
                        new RunAudit(run, "p", "etl-bot")
                                .finish(
                                        counts(1, 1, 0, 0, 0, 1, 1, 0),
                                        STARTED,
                                        ENDED,
                                        "in",
                                        RunAudit.Outcome.succeeded())
                                .records()
                                .get(0)
                                .unknownPaths())
                .as("none kept: no such fields")
                .isNull();
    }
}
