package io.flowbundle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowbundle.testing.Times;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

    /** A succeeded step of a sample batch run, counts to be set by the test. */
    static AuditRecord.Builder step(String step) {
        return AuditRecord.builder()
                .runId("0194f2a1-7c3e-7abc-9def-0123456789ab")
                .pipeline("sensor-hourly")
                .mode("batch")
                .logicalDate("2026-11-01")
                .step(step)
                .actor("etl-bot")
                .startedAt(Times.instant("2026-11-02T01:00:00Z"))
                .endedAt(Times.instant("2026-11-02T01:03:30.5Z"))
                .sources(List.of("data/sensor-events"))
                .target("out/sensor-hourly")
                .status(AuditRecord.SUCCEEDED);
    }

    @Test
    void reconcilesWhenEveryRowIsAccountedFor() {
        assertThat(
                        step("validate")
                                .rowsIn(1000L)
                                .rowsOut(950L)
                                .rowsRejected(50L)
                                .build()
                                .reconciles())
                .isTrue();
        assertThat(
                        step("dedupe")
                                .rowsIn(950L)
                                .rowsOut(930L)
                                .rowsDuplicates(20L)
                                .build()
                                .reconciles())
                .isTrue();
        assertThat(step("late").rowsIn(930L).rowsOut(925L).rowsLate(5L).build().reconciles())
                .isTrue();
        assertThat(
                        step("run")
                                .rowsIn(1000L)
                                .rowsOut(925L)
                                .rowsRejected(50L)
                                .rowsDuplicates(20L)
                                .rowsLate(5L)
                                .build()
                                .reconciles())
                .isTrue();
    }

    @Test
    void doesNotReconcileWhenRowsGoMissingOrAppear() {
        assertThat(
                        step("validate")
                                .rowsIn(1000L)
                                .rowsOut(949L)
                                .rowsRejected(50L)
                                .build()
                                .reconciles())
                .isFalse();
        assertThat(
                        step("run")
                                .rowsIn(1000L)
                                .rowsOut(926L)
                                .rowsRejected(50L)
                                .rowsDuplicates(20L)
                                .rowsLate(5L)
                                .build()
                                .reconciles())
                .isFalse();
    }

    @Test
    void largeCountsCompareByValue() {
        assertThat(
                        step("load")
                                .rowsIn(5_000_000_000L)
                                .rowsOut(4_999_999_999L)
                                .rowsRejected(1L)
                                .build()
                                .reconciles())
                .isTrue();
    }

    @Test
    void stepsWithoutCountsAndTheTransformReconcileTrivially() {
        assertThat(step("extract").build().reconciles()).isTrue();
        assertThat(step("extract").rowsIn(10L).build().reconciles()).isTrue();
        assertThat(step("transform").rowsIn(925L).rowsOut(100L).build().reconciles()).isTrue();
    }

    @Test
    void writesSnakeCaseJsonWithoutNulls() throws Exception {
        AuditRecord validate =
                step("validate").rowsIn(1000L).rowsOut(950L).rowsRejected(50L).build();
        JsonNode json = AuditLog.json().readTree(AuditLog.json().writeValueAsString(validate));

        assertThat(json.get("run_id").asText()).isEqualTo("0194f2a1-7c3e-7abc-9def-0123456789ab");
        assertThat(json.get("logical_date").asText()).isEqualTo("2026-11-01");
        assertThat(json.get("started_at").asText()).isEqualTo("2026-11-02T01:00:00Z");
        assertThat(json.get("ended_at").asText()).isEqualTo("2026-11-02T01:03:30.500Z");
        assertThat(json.get("rows_in").asLong()).isEqualTo(1000);
        assertThat(json.get("rows_rejected").asLong()).isEqualTo(50);
        assertThat(json.get("sources").get(0).asText()).isEqualTo("data/sensor-events");
        assertThat(json.has("rows_duplicates")).isFalse();
        assertThat(json.has("error")).isFalse();
        assertThat(json.has("attempt")).isFalse();
    }

    @Test
    void everyFieldIsWrittenInItsPlace() throws Exception {
        AuditRecord full =
                step("schedule:sensor-hourly")
                        .runId("run-1")
                        .mode("schedule")
                        .sources(List.of("a", "b"))
                        .target("run:run-0")
                        .rowsIn(10L)
                        .rowsOut(7L)
                        .rowsRejected(1L)
                        .rowsDuplicates(1L)
                        .rowsLate(1L)
                        .status(AuditRecord.FAILED)
                        .error("boom \"quoted\"")
                        .attempt(2)
                        .build();

        // the audit log's format, byte for byte: field names, their order, instants, escapes
        assertThat(AuditLog.json().writeValueAsString(full))
                .isEqualTo(
                        "{\"run_id\":\"run-1\",\"pipeline\":\"sensor-hourly\",\"mode\":\"schedule\",\"logical_date\":\"2026-11-01\","
                                + "\"step\":\"schedule:sensor-hourly\",\"actor\":\"etl-bot\",\"started_at\":\"2026-11-02T01:00:00Z\","
                                + "\"ended_at\":\"2026-11-02T01:03:30.500Z\",\"sources\":[\"a\",\"b\"],\"target\":\"run:run-0\","
                                + "\"rows_in\":10,\"rows_out\":7,\"rows_rejected\":1,\"rows_duplicates\":1,\"rows_late\":1,"
                                + "\"status\":\"failed\",\"error\":\"boom \\\"quoted\\\"\",\"attempt\":2}");
    }

    @Test
    void buildNamesTheFirstRequiredFieldMissing() {
        assertThatThrownBy(
                        () ->
                                AuditRecord.builder()
                                        .runId("run-1")
                                        .pipeline("p")
                                        .step("load")
                                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("an audit record needs status; set it with status(...) (step load)");
        assertThatThrownBy(() -> AuditRecord.builder().status(AuditRecord.SUCCEEDED).build())
                .hasMessageStartingWith("an audit record needs runId");
    }
}
