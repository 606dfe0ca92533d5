package io.flowbundle.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The flowbundle CLI ({@code io.flowbundle.cli.Main}) as a child JVM on the test's class path, for
 * tests that must kill a run the way a crash does. Its output goes to a log file; callers stop it
 * by its pid with {@link #kill()} in a finally.
 */
public final class CliProcess {

    private final Process process;
    private final Path log;

    private CliProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code flowbundle <args>} in {@code workDir}, logging to {@code log}. */
    public static CliProcess start(Path workDir, Path log, List<String> args) throws IOException {
        return start(workDir, log, List.of(), args);
    }

    /**
     * As {@link #start(Path, Path, List)}, with extra JVM flags for the child (e.g. a test-only
     * {@code -D} system property).
     */
    public static CliProcess start(Path workDir, Path log, List<String> jvmFlags, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.addAll(flinkJvmFlags());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.flowbundle.cli.Main");
        command.addAll(args);
        Process process =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        process.getOutputStream().close();
        return new CliProcess(process, log);
    }

    /** The module opens and time zone this test JVM was started with, which Flink needs too. */
    private static List<String> flinkJvmFlags() {
        List<String> flags = new ArrayList<>();
        List<String> own = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < own.size(); i++) {
            String arg = own.get(i);
            if (arg.startsWith("--add-opens=")
                    || arg.startsWith("--add-exports=")
                    || arg.startsWith("-Duser.timezone=")) {
                flags.add(arg);
            } else if ((arg.equals("--add-opens") || arg.equals("--add-exports"))
                    && i + 1 < own.size()) {
                flags.add(arg);
                flags.add(own.get(++i));
            }
        }
        return flags;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the child printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The last lines the child printed, for assertion messages (its whole log stays in the file).
     */
    public String tail() {
        List<String> lines = output().lines().toList();
        return "("
                + log
                + ")\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * Polls {@code condition} until it holds; fails with the child's output if it exits or time
     * runs out.
     */
    public void awaitWhileRunning(String what, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "child "
                                + pid()
                                + " exited with "
                                + process.exitValue()
                                + " before "
                                + what
                                + ":\n"
                                + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + ":\n" + tail());
            }
            Thread.sleep(250);
        }
    }

    /** Waits for the child to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(
                    "child " + pid() + " did not end within " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash or the OOM killer: no shutdown hook runs. Waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
