package io.flowbundle.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each engine in a fresh JVM, so no engine profits from another's JIT warm-up or pays for
 * its garbage, and peak memory is the engine's own.
 */
final class Workers {

    private Workers() {}

    static Measurement run(String heap, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        // e.g. BENCH_WORKER_OPTS=-XX:StartFlightRecording=filename=/tmp/w.jfr to profile the engines
        String extra = System.getenv("BENCH_WORKER_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-jar");
        command.add(Path.of(Workers.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString());
        command.add("worker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
            throw new IllegalStateException("worker " + String.join(" ", args) + " failed (exit " + exit + ")");
        }
        return Measurement.fromJson(result);
    }
}
