package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.parquet.ParquetRows;
import io.flowbundle.sample.SensorEventGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

    @TempDir Path dir;

    @Test
    void writesParquetPartitionsAndSaysWhatItWrote() throws Exception {
        Path out = dir.resolve("events");

        Cli cli = Cli.run("generate", "--out", out.toString(), "--events", "1000", "--days", "2");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("wrote 1000 events to " + out + " in ");
        assertThat(rows(out)).isEqualTo(1000);
    }

    @Test
    void refusesToMixANewSampleWithTheOneAlreadyThereUnlessToldToReplaceIt() throws Exception {
        Path out = dir.resolve("events");
        Cli.run("generate", "--out", out.toString(), "--events", "1000", "--days", "3");
        Files.writeString(out.resolve("README.txt"), "not a partition");

        Cli refused =
                Cli.run("generate", "--out", out.toString(), "--events", "500", "--days", "1");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err())
                .contains(
                        "--out "
                                + out
                                + " already holds 3 partition(s) (date=2026-11-01 .. date=2026-11-03)",
                        "pass --overwrite");
        assertThat(rows(out)).isEqualTo(1000);

        Cli replaced =
                Cli.run(
                        "generate",
                        "--out",
                        out.toString(),
                        "--events",
                        "500",
                        "--days",
                        "1",
                        "--overwrite");

        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.out()).startsWith("replaced 3 partition(s) of " + out);
        assertThat(rows(out)).isEqualTo(500);
        assertThat(out.resolve("README.txt")).hasContent("not a partition");
    }

    private static long rows(Path out) throws Exception {
        long rows = 0;
        try (var files = Files.walk(out)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                rows +=
                        ParquetRows.forEach(
                                file, SensorEventGenerator.ROW_TYPE, (number, row) -> {});
            }
        }
        return rows;
    }
}
