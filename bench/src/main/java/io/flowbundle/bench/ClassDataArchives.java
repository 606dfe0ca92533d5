package io.flowbundle.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * Class-data sharing (AppCDS) for the benchmark workers, as {@code scripts/flowbundle} gives the
 * launcher: an engine's classes (Flink, its SQL planner, Kafka: ~20,000) are archived by one
 * unmeasured training run over a small input, and its measured runs map the archive instead of
 * loading and verifying them again (a 1M-row flowbundle run: ~6 s and ~10 CPU-s less). Every engine
 * that runs in a JVM of its own gets an archive of its own, so the comparison stays even; DuckDB's
 * figures are its query alone and need none. Archives are kept under {@code
 * .flowbundle/bench/cds/}, one set per build of the benchmarks and JDK.
 */
final class ClassDataArchives {

    private static volatile boolean enabled = true;

    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private ClassDataArchives() {}

    /** {@code --[no-]cds} for the commands that start workers. */
    static final class Switch {
        @Option(
                names = "--cds",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description =
                        "Give each engine's JVM a class-data archive, recorded by an unmeasured"
                                + " small run first (default: ${DEFAULT-VALUE}).")
        void set(boolean on) {
            enabled = on;
        }
    }

    /** Whether {@code engine} should have an archive and has none yet. */
    static boolean missing(String engine) {
        return enabled && !engine.startsWith("duckdb") && !Files.isRegularFile(archive(engine));
    }

    /** JVM options of a measured run of {@code engine}: its archive, if it has one. */
    static List<String> options(String engine) {
        Path archive = archive(engine);
        if (!enabled || !Files.isRegularFile(archive)) {
            return List.of();
        }
        return Stream.concat(Stream.of("-XX:SharedArchiveFile=" + archive), QUIET.stream())
                .toList();
    }

    /** JVM options of a run that records its loaded classes into {@code file} when it exits. */
    static List<String> recording(Path file) {
        return Stream.concat(Stream.of("-XX:ArchiveClassesAtExit=" + file), QUIET.stream())
                .toList();
    }

    /** Deletes the archives {@code engine} had for other builds (~140 MB each). */
    static void deleteOthers(String engine) throws IOException {
        Path current = archive(engine);
        Pattern ofEngine = Pattern.compile(Pattern.quote(engine) + "-[0-9a-f]+\\.jsa");
        try (Stream<Path> files = Files.list(current.getParent())) {
            for (Path file : files.toList()) {
                if (!file.equals(current)
                        && ofEngine.matcher(file.getFileName().toString()).matches()) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * The archive of {@code engine} for this build and JDK. The JVM ignores an archive whose class
     * path changed, silently with logging off, so the name carries the jars' times and sizes and a
     * rebuild records anew.
     */
    static Path archive(String engine) {
        return Bench.STATE
                .resolve("cds")
                .toAbsolutePath()
                .resolve(engine + "-" + BuildKey.HEX + ".jsa");
    }

    /** The build's key, computed once per process (the jars do not change while it runs). */
    private static final class BuildKey {
        static final String HEX = Integer.toHexString(buildKey());
    }

    private static int buildKey() {
        Path jar = Workers.jar();
        StringBuilder key =
                new StringBuilder(System.getProperty("java.home"))
                        .append(System.getProperty("java.vm.version"));
        Path libraries = jar.resolveSibling("lib");
        try (Stream<Path> lib =
                Files.isDirectory(libraries) ? Files.list(libraries) : Stream.empty()) {
            Stream.concat(Stream.of(jar), lib.sorted())
                    .forEach(
                            file -> {
                                try {
                                    key.append(file.getFileName())
                                            .append(Files.size(file))
                                            .append(Files.getLastModifiedTime(file).toMillis());
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return key.toString().hashCode();
    }
}
