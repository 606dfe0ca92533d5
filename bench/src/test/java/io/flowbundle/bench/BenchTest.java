package io.flowbundle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchTest {

    private static Measurement run(String engine, double seconds) {
        return new Measurement(engine, 1_000, seconds, 10, 100, Map.of("cpu_s", seconds * 2));
    }

    @Test
    void repeatedRoundsReportEachEnginesMedianRunWithAllItsTimes() throws Exception {
        Deque<List<Measurement>> rounds =
                new ArrayDeque<>(
                        List.of(
                                List.of(run("raw", 12.0), run("job", 50.0)),
                                List.of(run("raw", 9.0), run("job", 47.0)),
                                List.of(run("raw", 15.0), run("job", 45.0))));

        List<Measurement> medians = Bench.medians(3, rounds::removeFirst);

        assertThat(medians).extracting(Measurement::engine).containsExactly("raw", "job");
        assertThat(medians.get(0).seconds()).isEqualTo(12.0);
        assertThat(medians.get(0).extra())
                .containsEntry("runs_s", List.of(12.0, 9.0, 15.0))
                .containsEntry("cpu_s", 24.0);
        assertThat(medians.get(1).seconds()).isEqualTo(47.0);
    }

    @Test
    void anEvenNumberOfRunsReportsTheLowerMiddleOneAndASingleRunIsReportedAsItIs()
            throws Exception {
        Deque<List<Measurement>> rounds =
                new ArrayDeque<>(List.of(List.of(run("raw", 12.0)), List.of(run("raw", 10.0))));
        assertThat(Bench.medians(2, rounds::removeFirst).get(0).seconds()).isEqualTo(10.0);

        Measurement once = run("raw", 11.0);
        assertThat(Bench.medians(1, () -> List.of(once))).containsExactly(once);
    }

    @Test
    void theStreamingJobRunsAtOneSubtaskWithHeapStateAndTwoWithRocksDbUnlessTold() {
        assertThat(Bench.streamParallelism("flowbundle-heap", null)).isEqualTo(1);
        assertThat(Bench.streamParallelism("flowbundle-rocksdb", null)).isEqualTo(2);
        assertThat(Bench.streamParallelism("flowbundle-rocksdb", 3)).isEqualTo(3);
    }

    @Test
    void aScaleRunOfOneHalfWritesFilesOfItsOwn() {
        assertThat(Bench.Scale.fileStem(List.of(Bench.Scale.Kind.batch, Bench.Scale.Kind.stream)))
                .isEqualTo("scale");
        assertThat(Bench.Scale.fileStem(List.of(Bench.Scale.Kind.batch))).isEqualTo("scale-batch");
        assertThat(Bench.Scale.fileStem(List.of(Bench.Scale.Kind.stream, Bench.Scale.Kind.stream)))
                .isEqualTo("scale-stream");
    }

    @Test
    void engineJvmsMapTheirOwnClassDataArchiveOnceRecordedAndDuckDbNeedsNone() throws Exception {
        assertThat(ClassDataArchives.archive("flowbundle"))
                .isEqualTo(ClassDataArchives.archive("flowbundle"))
                .isNotEqualTo(ClassDataArchives.archive("flink-sql"));
        assertThat(ClassDataArchives.missing("duckdb-1")).isFalse();

        Path archive = ClassDataArchives.archive("test-engine");
        Files.deleteIfExists(archive);
        assertThat(ClassDataArchives.missing("test-engine")).isTrue();
        assertThat(ClassDataArchives.options("test-engine")).isEmpty();

        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "stand-in");
        try {
            assertThat(ClassDataArchives.missing("test-engine")).isFalse();
            assertThat(ClassDataArchives.options("test-engine"))
                    .first()
                    .isEqualTo("-XX:SharedArchiveFile=" + archive);

            new CommandLine(new ClassDataArchives.Switch()).parseArgs("--no-cds");
            assertThat(ClassDataArchives.options("test-engine")).isEmpty();
            assertThat(ClassDataArchives.missing("test-engine")).isFalse();
        } finally {
            new CommandLine(new ClassDataArchives.Switch()).parseArgs();
            Files.delete(archive);
        }
        assertThat(ClassDataArchives.missing("test-engine")).isTrue();
    }

    @Test
    void recordingAnArchiveDeletesTheEnginesArchivesOfOtherBuildsOnly() throws Exception {
        Path current = ClassDataArchives.archive("test-engine");
        Path dir = current.getParent();
        Files.createDirectories(dir);
        List<Path> kept =
                List.of(
                        current,
                        dir.resolve("test-engine-heap-0a1b.jsa"),
                        dir.resolve("other-0a1b.jsa"));
        Path old = dir.resolve("test-engine-0a1b.jsa");
        try {
            for (Path file : List.of(current, kept.get(1), kept.get(2), old)) {
                Files.writeString(file, "stand-in");
            }

            ClassDataArchives.deleteOthers("test-engine");

            assertThat(old).doesNotExist();
            assertThat(kept).allMatch(Files::exists);
        } finally {
            for (Path file : kept) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(old);
        }
    }
}
