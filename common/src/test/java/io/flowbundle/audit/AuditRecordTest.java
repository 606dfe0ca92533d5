package io.flowbundle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.Times;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

class AuditRecordTest {

    static AuditRecord step(String step, Long in, Long out, Long rejected, Long duplicates, Long late) {
        return new AuditRecord(
                "0194f2a1-7c3e-7abc-9def-0123456789ab",
                "sensor-hourly",
                "batch",
                "2026-11-01",
                step,
                "etl-bot",
                Times.instant("2026-11-02T01:00:00Z"),
                Times.instant("2026-11-02T01:03:30.5Z"),
                List.of("data/sensor-events"),
                "out/sensor-hourly",
                in,
                out,
                rejected,
                duplicates,
                late,
                AuditRecord.SUCCEEDED,
                null,
                null);
    }

    @Test
    void reconcilesWhenEveryRowIsAccountedFor() {
        assertThat(step("validate", 1000L, 950L, 50L, null, null).reconciles()).isTrue();
        assertThat(step("dedupe", 950L, 930L, null, 20L, null).reconciles()).isTrue();
        assertThat(step("late", 930L, 925L, null, null, 5L).reconciles()).isTrue();
        assertThat(step("run", 1000L, 925L, 50L, 20L, 5L).reconciles()).isTrue();
    }

    @Test
    void doesNotReconcileWhenRowsGoMissingOrAppear() {
        assertThat(step("validate", 1000L, 949L, 50L, null, null).reconciles()).isFalse();
        assertThat(step("run", 1000L, 926L, 50L, 20L, 5L).reconciles()).isFalse();
    }

    @Test
    void largeCountsCompareByValue() {
        assertThat(step("load", 5_000_000_000L, 4_999_999_999L, 1L, null, null).reconciles()).isTrue();
    }

    @Test
    void stepsWithoutCountsAndTheTransformReconcileTrivially() {
        assertThat(step("extract", null, null, null, null, null).reconciles()).isTrue();
        assertThat(step("extract", 10L, null, null, null, null).reconciles()).isTrue();
        assertThat(step("transform", 925L, 100L, null, null, null).reconciles()).isTrue();
    }

    @Test
    void writesSnakeCaseJsonWithoutNulls() throws Exception {
        JsonNode json = AuditLog.json().readTree(AuditLog.json().writeValueAsString(step("validate", 1000L, 950L, 50L, null, null)));

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
}
