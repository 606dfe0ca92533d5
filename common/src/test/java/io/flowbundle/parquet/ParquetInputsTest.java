package io.flowbundle.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetInputsTest {

    private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
    private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);

    @TempDir Path dir;

    private Path source;

    @BeforeEach
    void writeTwoDaysOfSampleEvents() {
        source = dir.resolve("data/sensor-events");
        SampleData.writeParquet(
                source,
                SensorEventGenerator.Settings.defaults()
                        .withEvents(200)
                        .withStart(NOV_1)
                        .withDays(2),
                "snappy");
    }

    private Path day(LocalDate date) {
        return source.resolve("date=" + date).resolve("part-00000.parquet");
    }

    @Test
    void listsEveryParquetFileBelowTheFolderInOrder() {
        assertThat(ParquetInputs.list(source, "date", null))
                .containsExactly(day(NOV_1), day(NOV_2));
    }

    @Test
    void hiddenAndNonParquetFilesAreSkipped() throws IOException {
        touch(source.resolve(".staging-run-1/date=2026-11-01/part-0.parquet"));
        touch(source.resolve("_temporary/part-0.parquet"));
        touch(source.resolve("date=2026-11-01/.part-1.parquet.inprogress"));
        touch(source.resolve("date=2026-11-01/_part-2.parquet"));
        touch(source.resolve("date=2026-11-01/_SUCCESS"));
        touch(source.resolve("date=2026-11-01/notes.txt"));

        assertThat(ParquetInputs.list(source, "date", null))
                .containsExactly(day(NOV_1), day(NOV_2));
    }

    @Test
    void symbolicLinksAreFollowedToFoldersAndPartitionsElsewhere() throws IOException {
        Path current = Files.createSymbolicLink(dir.resolve("current"), source);
        Path archived = Files.createDirectories(dir.resolve("archive/date=2026-10-31"));
        Files.copy(day(NOV_1), archived.resolve("part-00000.parquet"));
        Files.createSymbolicLink(source.resolve("date=2026-10-31"), archived);

        assertThat(ParquetInputs.list(current, "date", null))
                .containsExactly(
                        current.resolve("date=2026-10-31/part-00000.parquet"),
                        current.resolve("date=2026-11-01/part-00000.parquet"),
                        current.resolve("date=2026-11-02/part-00000.parquet"));
        assertThat(ParquetInputs.list(current, "date", LocalDate.of(2026, 10, 31)))
                .containsExactly(current.resolve("date=2026-10-31/part-00000.parquet"));
    }

    @Test
    void aLinkThatPointsBackUpTheTreeIsAOneLineError() throws IOException {
        Path loop = Files.createSymbolicLink(source.resolve("date=2026-11-01/again"), source);

        assertThatThrownBy(() -> ParquetInputs.list(source, "date", null))
                .isInstanceOf(FlowbundleException.class)
                .hasMessage(
                        "source "
                                + source
                                + ": a symbolic link below it points back up the tree at "
                                + loop
                                + "; remove the link or point source.path below it");
    }

    @Test
    void dateSelectsOnlyThatPartition() {
        assertThat(ParquetInputs.list(source, "date", NOV_2)).containsExactly(day(NOV_2));
    }

    @Test
    void missingDatePartitionSaysWhichPartitionsExist() {
        LocalDate nov5 = LocalDate.of(2026, 11, 5);

        assertThatThrownBy(() -> ParquetInputs.list(source, "date", nov5))
                .isInstanceOf(FlowbundleException.class)
                .hasMessage(
                        "--date 2026-11-05: no input in "
                                + source
                                + "/date=2026-11-05 (partitions present: date=2026-11-01 .. date=2026-11-02);"
                                + " has the data landed yet?");
    }

    @Test
    void dateOnASourceWithoutDatePartitions() throws IOException {
        Path flat = dir.resolve("flat");
        Files.createDirectories(flat);
        Files.copy(day(NOV_1), flat.resolve("events.parquet"));

        assertThatThrownBy(() -> ParquetInputs.list(flat, "date", NOV_1))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageContaining(
                        "--date 2026-11-01: source " + flat + " has no date=YYYY-MM-DD partitions")
                .hasMessageContaining("set source.date_partition");
    }

    @Test
    void customDatePartitionKey() throws IOException {
        Path byDay = dir.resolve("by-day");
        Files.createDirectories(byDay.resolve("day=2026-11-01"));
        Files.copy(day(NOV_1), byDay.resolve("day=2026-11-01/a.parquet"));

        assertThat(ParquetInputs.list(byDay, "day", NOV_1))
                .containsExactly(byDay.resolve("day=2026-11-01/a.parquet"));
    }

    @Test
    void datePartitionBelowAnotherPartitionLevel() throws IOException {
        Path nested = dir.resolve("nested");
        Files.createDirectories(nested.resolve("region=eu/date=2026-11-01"));
        Files.createDirectories(nested.resolve("region=us/date=2026-11-02"));
        Files.copy(day(NOV_1), nested.resolve("region=eu/date=2026-11-01/a.parquet"));
        Files.copy(day(NOV_2), nested.resolve("region=us/date=2026-11-02/b.parquet"));

        assertThat(ParquetInputs.list(nested, "date", NOV_1))
                .containsExactly(nested.resolve("region=eu/date=2026-11-01/a.parquet"));
    }

    @Test
    void aSingleFileSource() {
        assertThat(ParquetInputs.list(day(NOV_1), "date", null)).containsExactly(day(NOV_1));
        assertThatThrownBy(() -> ParquetInputs.list(day(NOV_1), "date", NOV_1))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageContaining(
                        "is a single file, not a folder partitioned by date=YYYY-MM-DD; run without --date");
    }

    @Test
    void missingSource() {
        Path missing = dir.resolve("data/nothing-here");

        assertThatThrownBy(() -> ParquetInputs.list(missing, "date", null))
                .isInstanceOf(FlowbundleException.class)
                .hasMessage(
                        "source " + missing + " does not exist (source.path in the pipeline spec)");
    }

    @Test
    void folderWithoutParquetFiles() throws IOException {
        Path empty = dir.resolve("empty");
        touch(empty.resolve("readme.txt"));
        touch(empty.resolve(".hidden/x.parquet"));

        assertThatThrownBy(() -> ParquetInputs.list(empty, "date", null))
                .isInstanceOf(FlowbundleException.class)
                .hasMessage("source " + empty + " has no Parquet files (*.parquet)");
    }

    @Test
    void resultsAreSortedSoRunsAreRepeatable() throws IOException {
        Files.copy(day(NOV_1), source.resolve("date=2026-11-01/part-00001.parquet"));
        Files.copy(day(NOV_1), source.resolve("date=2026-11-01/a-first.parquet"));

        List<Path> files = ParquetInputs.list(source, "date", null);

        assertThat(files).isSorted();
        assertThat(files).hasSize(4);
    }

    private static void touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not parquet");
    }
}
