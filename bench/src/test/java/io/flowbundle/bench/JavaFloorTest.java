package io.flowbundle.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowbundle.sample.SampleData;
import io.flowbundle.sample.SensorEventGenerator;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaFloorTest {

    private static final Path CONTRACT = Path.of("../conf/contracts/sensor_events.yaml");

    @Test
    void findsTheSameHourlyGroupsAsDuckDbOnTheBenchmarksCleanData(@TempDir Path dir)
            throws Exception {
        SampleData.Counts written = SampleData.writeParquet(dir, Bench.settings(30_000), "zstd");

        Measurement floor = JavaFloor.run(dir, written.total(), 2, CONTRACT);

        assertThat(floor.results()).isEqualTo(duckDbGroups(dir)).isGreaterThan(1_000);
        assertThat(floor.extra()).containsEntry("rejected", 0L).containsEntry("duplicates", 0L);
    }

    @Test
    void rejectsInvalidRowsAndDropsDuplicatesAcrossThreads(@TempDir Path dir) throws Exception {
        SensorEventGenerator.Settings mixed =
                SensorEventGenerator.Settings.defaults()
                        .withEvents(20_000)
                        .withSeed(7)
                        .withStart(LocalDate.of(2026, 11, 1))
                        .withDays(2)
                        .withDevices(50);
        SampleData.Counts written = SampleData.writeParquet(dir, mixed, "zstd");
        Measurement alone = JavaFloor.run(dir, written.total(), 2, CONTRACT);
        assertThat(written.of(Kind.INVALID)).isPositive();
        assertThat(alone.extra())
                .containsEntry("rejected", written.of(Kind.INVALID))
                .containsEntry("duplicates", written.of(Kind.DUPLICATE));

        // a whole day delivered twice: whichever thread reads the copy, its rows are all duplicates
        Path day = dir.resolve("date=2026-11-01/part-00000.parquet");
        Path copy =
                Files.createDirectories(dir.resolve("date=2026-11-01-again"))
                        .resolve("part-00000.parquet");
        Files.copy(day, copy);
        long dayRows = rows(day);

        Measurement twice = JavaFloor.run(dir, written.total() + dayRows, 2, CONTRACT);

        assertThat(twice.results()).isEqualTo(alone.results());
        assertThat((Long) twice.extra().get("rejected") + (Long) twice.extra().get("duplicates"))
                .isEqualTo(
                        (Long) alone.extra().get("rejected")
                                + (Long) alone.extra().get("duplicates")
                                + dayRows);
    }

    @Test
    void groupsCountEveryReadingAndAverageOnlyTheTemperaturesTheyHave() {
        JavaFloor.HourlyGroups groups = new JavaFloor.HourlyGroups();
        for (long key = 0; key < 200_000; key++) { // past the initial capacity: the table grows
            groups.add(key, true, 1.0);
        }
        groups.add(7, true, 3.0);
        groups.add(7, false, 0);
        groups.add(400_000, false, 0);
        JavaFloor.HourlyGroups other = new JavaFloor.HourlyGroups();
        other.add(7, true, 5.0);
        other.add(300_000, true, 2.0);

        groups.mergeFrom(other);

        assertThat(groups.size()).isEqualTo(200_002);
        assertThat(groups.readings()).isEqualTo(200_000 + 3 + 2);
        assertThat(groups.average(7))
                .isCloseTo(3.0, within(1e-12)); // (1 + 3 + 5) / 3, the null left out
        assertThat(groups.average(300_000)).isEqualTo(2.0);
        assertThat(groups.average(400_000)).isNaN();
        assertThat(groups.average(500_000)).isNaN();
        assertThat(groups.size()).isEqualTo(200_002);
    }

    private static long duckDbGroups(Path dir) throws Exception {
        return duckDb(
                "SELECT count(*) FROM ("
                        + String.format(BatchEngines.HOURLY_SQL_DUCKDB, dir)
                        + ")");
    }

    private static long rows(Path file) throws Exception {
        return duckDb("SELECT count(*) FROM read_parquet('" + file + "')");
    }

    private static long duckDb(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet result = statement.executeQuery(sql)) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
