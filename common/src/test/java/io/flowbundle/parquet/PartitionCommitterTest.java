package io.flowbundle.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionCommitterTest {

    private static final String DAY1 = "window_date=2026-11-01";
    private static final String DAY2 = "window_date=2026-11-02";
    private static final String DAY3 = "window_date=2026-11-03";

    @TempDir Path dir;

    private Path target;
    private Path staged;

    @BeforeEach
    void layout() {
        target = dir.resolve("out/sensor-hourly");
        staged = PartitionCommitter.stagingDir(target, "run-0001");
    }

    @Test
    void stagingDirIsAHiddenSiblingOfTheTarget() {
        assertThat(staged.getParent()).isEqualTo(target.toAbsolutePath().getParent());
        assertThat(staged.getFileName().toString()).isEqualTo(".sensor-hourly.staging-run-0001");
        assertThat(PartitionCommitter.stagingDir(Path.of("relative/x"), "r").isAbsolute()).isTrue();
    }

    @Test
    void leftoversAreTheStagingFoldersOfOtherRunsBesideAndInsideTheDataset() throws IOException {
        String killed = "01a23f32-b4b3-74f9-85aa-9003302985d0";
        String current = "01a23f33-0000-7000-8000-000000000000";
        Path quarantine = dir.resolve("out/quarantine");
        write(PartitionCommitter.stagingDir(target, killed).resolve(DAY1 + "/part-0.parquet"), "a");
        write(
                PartitionCommitter.stagingDir(target, current).resolve(DAY1 + "/part-0.parquet"),
                "b");
        write(
                PartitionCommitter.stagingDir(quarantine.resolve("date=2026-11-01"), killed)
                        .resolve("part-0.parquet"),
                "c");
        // another dataset's staging folder beside this one is not this dataset's leftover
        write(dir.resolve("out/.quarantine.staging-" + killed + "/part-0.parquet"), "d");
        write(target.resolve(DAY1 + "/part-0.parquet"), "e");

        assertThat(PartitionCommitter.leftovers(flink(target), current))
                .singleElement()
                .satisfies(
                        l -> {
                            assertThat(l.runId()).isEqualTo(killed);
                            assertThat(l.dir().toUri().getPath())
                                    .startsWith(
                                            PartitionCommitter.stagingDir(target, killed)
                                                    .toString());
                        });
        assertThat(PartitionCommitter.leftovers(flink(quarantine), current))
                .extracting(l -> Path.of(l.dir().toUri().getPath()).getFileName().toString())
                .containsExactlyInAnyOrder(
                        ".quarantine.staging-" + killed, ".date=2026-11-01.staging-" + killed);
        assertThat(PartitionCommitter.leftovers(flink(dir.resolve("none")), current)).isEmpty();
    }

    private static org.apache.flink.core.fs.Path flink(Path local) {
        // as a spec's folder resolves: an existing folder's file: URI, with a trailing slash
        return new org.apache.flink.core.fs.Path(local.toUri());
    }

    @Test
    void firstCommitMovesEveryPartitionIntoPlace() throws IOException {
        write(staged.resolve(DAY1).resolve("part-0-0.parquet"), "abc");
        write(staged.resolve(DAY2).resolve("part-0-1.parquet"), "defgh");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 1, Set.of());

        assertThat(result.written()).containsExactly(DAY1, DAY2);
        assertThat(result.replaced()).isEmpty();
        assertThat(result.files()).isEqualTo(2);
        assertThat(result.bytes()).isEqualTo(8);
        assertThat(tree(target))
                .containsExactly(
                        Map.entry(DAY1 + "/part-0-0.parquet", "abc"),
                        Map.entry(DAY2 + "/part-0-1.parquet", "defgh"));
        assertThat(staged).doesNotExist();
        assertThat(siblings())
                .as("no staging or trash left behind")
                .containsExactly("sensor-hourly");
    }

    @Test
    void rerunReplacesItsPartitionAndLeavesOthersUntouched() throws IOException {
        write(target.resolve(DAY1).resolve("part-old-0.parquet"), "old-0");
        write(target.resolve(DAY1).resolve("part-old-1.parquet"), "old-1");
        write(target.resolve(DAY2).resolve("part-other.parquet"), "other day");
        write(staged.resolve(DAY1).resolve("part-new-0.parquet"), "new");

        PartitionCommitter.Result result =
                PartitionCommitter.commit(target, staged, 1, Set.of(DAY1));

        assertThat(result.written()).containsExactly(DAY1);
        assertThat(result.replaced()).containsExactly(DAY1);
        assertThat(tree(target))
                .containsExactly(
                        Map.entry(DAY1 + "/part-new-0.parquet", "new"),
                        Map.entry(DAY2 + "/part-other.parquet", "other day"));
        assertThat(staged).doesNotExist();
        assertThat(siblings()).containsExactly("sensor-hourly");
    }

    @Test
    void anOwnedPartitionThatGotNoRowsIsRemoved() throws IOException {
        write(target.resolve(DAY1).resolve("part-old.parquet"), "stale");
        write(target.resolve(DAY2).resolve("part-other.parquet"), "other day");
        Files.createDirectories(staged);

        PartitionCommitter.Result result =
                PartitionCommitter.commit(target, staged, 1, Set.of(DAY1));

        assertThat(result.written()).isEmpty();
        assertThat(result.replaced()).containsExactly(DAY1);
        assertThat(result.files()).isZero();
        assertThat(target.resolve(DAY1)).doesNotExist();
        assertThat(tree(target))
                .containsExactly(Map.entry(DAY2 + "/part-other.parquet", "other day"));
        assertThat(siblings()).containsExactly("sensor-hourly");
    }

    @Test
    void anOwnedPartitionThatNeverExistedIsNotCreated() throws IOException {
        write(staged.resolve(DAY1).resolve("part.parquet"), "x");

        PartitionCommitter.Result result =
                PartitionCommitter.commit(target, staged, 1, Set.of(DAY3));

        assertThat(result.replaced()).isEmpty();
        assertThat(target.resolve(DAY3)).doesNotExist();
        assertThat(tree(target)).containsOnlyKeys(DAY1 + "/part.parquet");
    }

    @Test
    void aRunThatStagedNothingAtAllStillEmptiesItsOwnedPartition() throws IOException {
        write(target.resolve(DAY1).resolve("part-old.parquet"), "stale");

        PartitionCommitter.Result result =
                PartitionCommitter.commit(target, staged, 1, Set.of(DAY1));

        assertThat(result.replaced()).containsExactly(DAY1);
        assertThat(tree(target)).isEmpty();
        assertThat(staged).doesNotExist();
    }

    @Test
    void nestedPartitionsAreReplacedAtFullDepthOnly() throws IOException {
        write(target.resolve(DAY1 + "/device_id=a/part-old.parquet"), "old a");
        write(target.resolve(DAY1 + "/device_id=b/part-old.parquet"), "old b");
        write(staged.resolve(DAY1 + "/device_id=a/part-new.parquet"), "new a");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 2, Set.of());

        assertThat(result.written()).containsExactly(DAY1 + "/device_id=a");
        assertThat(result.replaced()).containsExactly(DAY1 + "/device_id=a");
        assertThat(tree(target))
                .containsExactly(
                        Map.entry(DAY1 + "/device_id=a/part-new.parquet", "new a"),
                        Map.entry(DAY1 + "/device_id=b/part-old.parquet", "old b"));
    }

    @Test
    void hiddenStagingFoldersAreNotPartitions() throws IOException {
        write(staged.resolve(DAY1).resolve("part.parquet"), "x");
        write(staged.resolve(".in-progress").resolve("part.parquet"), "unfinished");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 1, Set.of());

        assertThat(result.written()).containsExactly(DAY1);
        assertThat(tree(target)).containsOnlyKeys(DAY1 + "/part.parquet");
        assertThat(staged).doesNotExist();
    }

    @Test
    void onlyParquetFilesAreCounted() throws IOException {
        write(staged.resolve(DAY1).resolve("part.parquet"), "1234");
        write(staged.resolve(DAY1).resolve("_SUCCESS"), "");
        write(staged.resolve(DAY1).resolve(".part.parquet.crc"), "crc");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 1, Set.of());

        assertThat(result.files()).isEqualTo(1);
        assertThat(result.bytes()).isEqualTo(4);
    }

    @Test
    void unpartitionedDatasetIsSwappedWhole() throws IOException {
        write(target.resolve("part-old-0.parquet"), "old-0");
        write(target.resolve("part-old-1.parquet"), "old-1");
        write(staged.resolve("part-new.parquet"), "new!");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 0, Set.of());

        assertThat(result.written()).containsExactly("");
        assertThat(result.replaced()).containsExactly("");
        assertThat(result.files()).isEqualTo(1);
        assertThat(result.bytes()).isEqualTo(4);
        assertThat(tree(target)).containsExactly(Map.entry("part-new.parquet", "new!"));
        assertThat(staged).doesNotExist();
        assertThat(siblings()).containsExactly("sensor-hourly");
    }

    @Test
    void firstUnpartitionedCommitReplacesNothing() throws IOException {
        write(staged.resolve("part.parquet"), "x");

        PartitionCommitter.Result result = PartitionCommitter.commit(target, staged, 0, Set.of());

        assertThat(result.replaced()).isEmpty();
        assertThat(tree(target)).containsOnlyKeys("part.parquet");
    }

    @Test
    void abortThrowsTheStagedOutputAway() throws IOException {
        write(staged.resolve(DAY1).resolve("part.parquet"), "x");
        write(target.resolve(DAY1).resolve("part-live.parquet"), "live");

        PartitionCommitter.abort(staged);

        assertThat(staged).doesNotExist();
        assertThat(tree(target))
                .as("the live dataset is untouched")
                .containsExactly(Map.entry(DAY1 + "/part-live.parquet", "live"));
        PartitionCommitter.abort(staged); // nothing left: still fine
    }

    @Test
    void aStagingFolderWithAPlainNameWorksToo() throws IOException {
        Path plainStaging = dir.resolve("out/staging-run-0002");
        write(target.resolve(DAY1).resolve("part-old.parquet"), "old");
        write(target.resolve(DAY2).resolve("part-other.parquet"), "other day");
        write(plainStaging.resolve(DAY1).resolve("part-new.parquet"), "new");

        PartitionCommitter.Result result =
                PartitionCommitter.commit(target, plainStaging, 1, Set.of());

        assertThat(result.written()).containsExactly(DAY1);
        assertThat(tree(target))
                .containsExactly(
                        Map.entry(DAY1 + "/part-new.parquet", "new"),
                        Map.entry(DAY2 + "/part-other.parquet", "other day"));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Every file below {@code root} by relative path, with its content. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(file).toString(), Files.readString(file));
            }
        }
        return out;
    }

    /** The names in the target's parent folder, hidden ones included. */
    private java.util.List<String> siblings() throws IOException {
        try (Stream<Path> list = Files.list(target.getParent())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
