package io.flowbundle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One engine's run of one benchmark: how many records in how long, what it produced (so results can
 * be checked equal across engines), and its peak resident memory.
 */
public record Measurement(
        String engine,
        long records,
        double seconds,
        long results,
        long peakRssMb,
        Map<String, Object> extra) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public double perSecond() {
        return records / seconds;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Measurement fromJson(String line) {
        try {
            return JSON.readValue(line, Measurement.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a measurement: " + line, e);
        }
    }

    /** This JVM's peak resident set (VmHWM), in MB; 0 where /proc is not available. */
    public static long currentPeakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** CPU time this JVM has used, all threads, in seconds. */
    public static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    public static Map<String, Object> extra(Object... keyValues) {
        Map<String, Object> out = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
