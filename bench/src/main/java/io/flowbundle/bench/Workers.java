package io.flowbundle.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each engine in a fresh JVM, so no engine profits from another's JIT warm-up or pays for its
 * garbage, and peak memory is the engine's own.
 */
final class Workers {

    private Workers() {}

    /**
     * A measured run of one engine: {@code args} as the hidden {@code worker} command takes them
     * ({@code batch|stream ENGINE ...} or {@code latency ...}, which runs the heap-state job).
     */
    static Measurement run(String heap, String... args) throws IOException, InterruptedException {
        String engine = args[0].equals("latency") ? "flowbundle-heap" : args[1];
        return run(ClassDataArchives.options(engine), heap, args);
    }

    /**
     * An unmeasured run of {@code engine} (same {@code args}, a small {@code input}) that records
     * the engine's class-data archive when its JVM exits; see {@link ClassDataArchives}.
     */
    static void recordClassData(String engine, String input, String heap, String... args)
            throws IOException, InterruptedException {
        System.out.printf(
                "%s: recording its class-data archive (an unmeasured run over %s) ...%n",
                engine, input);
        Path archive = ClassDataArchives.archive(engine);
        Files.createDirectories(archive.getParent());
        Path partial = archive.resolveSibling(archive.getFileName() + ".tmp");
        try {
            run(ClassDataArchives.recording(partial), heap, args);
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                throw new IllegalStateException(
                        "the JVM wrote no class-data archive for "
                                + engine
                                + "; rerun with --no-cds");
            }
            Files.move(
                    partial,
                    archive,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            ClassDataArchives.deleteOthers(engine);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The benchmark jar, whose manifest names the libraries beside it in {@code lib/}. */
    static Path jar() {
        return Path.of(Workers.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    }

    private static Measurement run(List<String> jvmOptions, String heap, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        command.addAll(jvmOptions);
        // e.g. BENCH_WORKER_OPTS=-XX:StartFlightRecording=filename=/tmp/w.jfr to profile the
        // engines
        String extra = System.getenv("BENCH_WORKER_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-jar");
        command.add(jar().toString());
        command.add("worker");
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String result = null;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("{\"engine\"")) {
                    result = line;
                } else {
                    System.out.println("    " + line);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException(
                    "worker " + String.join(" ", args) + " failed (exit " + exit + ")");
        }
        return Measurement.fromJson(result);
    }
}
