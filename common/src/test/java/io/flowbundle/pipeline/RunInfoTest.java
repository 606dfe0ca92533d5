package io.flowbundle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.Times;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunInfoTest {

    @Test
    void runIdsAreUuidVersion7CarryingTheStartTime() {
        long millis = Times.millis("2026-11-01T10:01:30.250Z");

        UUID id = RunInfo.uuidV7(millis);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void runIdsSortByStartTimeAndDoNotRepeat() {
        List<String> ids = new ArrayList<>();
        long start = Times.millis("2026-11-01T00:00:00Z");
        for (int i = 0; i < 1000; i++) {
            ids.add(RunInfo.uuidV7(start + i * 1000L).toString());
        }

        assertThat(ids).isSorted();
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    @Test
    void startDescribesTheRun() {
        RunInfo batch = RunInfo.start(RunInfo.Mode.BATCH, LocalDate.of(2026, 11, 1));
        RunInfo streaming = RunInfo.start(RunInfo.Mode.STREAMING, null);

        assertThat(batch.isBatch()).isTrue();
        assertThat(batch.logicalDate()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(streaming.isBatch()).isFalse();
        assertThat(UUID.fromString(batch.runId()).version()).isEqualTo(7);
        assertThat(batch.runId()).isNotEqualTo(streaming.runId());
    }

    @Test
    void shortIdIsEightHexDigitsAfterTheTimestamp() {
        RunInfo run = new RunInfo("0194f2a1-7c3e-7abc-9def-0123456789ab", RunInfo.Mode.BATCH, null);

        assertThat(run.shortId()).isEqualTo("7abc9def");
    }
}
