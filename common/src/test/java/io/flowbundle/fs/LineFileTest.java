package io.flowbundle.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run log on a local disk: lines appended, folders created; S3 in S3EveryLocationITCase. */
class LineFileTest {

    @TempDir Path dir;

    @Test
    void linesAreAppendedInOrderAndTheFoldersCreated() throws Exception {
        Path file = dir.resolve("runs/daily/run-1.log");
        LineFile log = new LineFile(Locations.local(file));

        log.append("schedule run 1 of daily");
        log.append("2026-11-01 step: succeeded on attempt 1");

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "schedule run 1 of daily", "2026-11-01 step: succeeded on attempt 1");
        assertThat(new LineFile(Locations.local(file)).location()).isEqualTo(log.location());
    }
}
