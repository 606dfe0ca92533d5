package io.flowbundle.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetSchemaCheck;
import io.flowbundle.sample.SensorEventGenerator.Event;
import io.flowbundle.sample.SensorEventGenerator.Kind;
import io.flowbundle.sample.SensorEventGenerator.Settings;
import io.flowbundle.testing.SensorRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataTest {

    private static final Settings SETTINGS =
            Settings.defaults()
                    .withEvents(2_000)
                    .withStart(LocalDate.of(2026, 11, 1))
                    .withDays(3)
                    .withInvalid(0.05)
                    .withMalformedJson(true);

    @TempDir Path dir;

    @Test
    void jsonLinesHoldOneEventPerLineInGeneratorOrder() throws IOException {
        Path file = dir.resolve("events/sensor-events.jsonl");

        SampleData.Counts counts = SampleData.writeJsonLines(file, SETTINGS);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Event> expected = generate(SETTINGS);
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i))
                    .isEqualTo(new String(expected.get(i).json(), StandardCharsets.UTF_8));
        }
        assertThat(counts.total()).isEqualTo(expected.size());
        assertThat(counts.byKind()).isEqualTo(countByKind(expected));
        assertThat(counts.of(Kind.MALFORMED)).isPositive();
    }

    @Test
    void parquetIsPartitionedByUtcDateAndNeverMalformed() {
        Path out = dir.resolve("sensor-events");

        SampleData.Counts counts = SampleData.writeParquet(out, SETTINGS, "zstd");

        List<Event> expected = generate(SETTINGS.withMalformedJson(false));
        Map<LocalDate, Long> perDate = new TreeMap<>();
        for (Event event : expected) {
            perDate.merge(SensorEventGenerator.dateOf(event.timestampMillis()), 1L, Long::sum);
        }
        assertThat(counts.of(Kind.MALFORMED)).isZero();
        assertThat(counts.byKind()).isEqualTo(countByKind(expected));
        for (Map.Entry<LocalDate, Long> day : perDate.entrySet()) {
            List<Path> files = ParquetInputs.list(out, "date", day.getKey());
            assertThat(files)
                    .containsExactly(out.resolve("date=" + day.getKey() + "/part-00000.parquet"));
            assertThat(ParquetSchemaCheck.check(files, SensorRows.contract()).rows())
                    .as("rows in date=%s", day.getKey())
                    .isEqualTo(day.getValue());
        }
    }

    private static List<Event> generate(Settings settings) {
        SensorEventGenerator generator = new SensorEventGenerator(settings);
        List<Event> events = new ArrayList<>();
        while (generator.hasNext()) {
            events.add(generator.next());
        }
        return events;
    }

    private static Map<Kind, Long> countByKind(List<Event> events) {
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        for (Event event : events) {
            counts.merge(event.kind(), 1L, Long::sum);
        }
        return counts;
    }
}
