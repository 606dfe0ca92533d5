package io.flowbundle.cli;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowbundle runs}: past pipeline runs from the audit log. */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = {
            "List past pipeline runs from the audit log.",
            "",
            "Status, attempt, logical date, duration and counts. Newest last.",
            "",
            "Example: flowbundle runs --pipeline sensor-hourly --limit 20"
        })
final class RunsCommand implements Callable<Integer> {

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline.")
    String pipeline;

    @Option(
            names = "--limit",
            defaultValue = "50",
            description = "At most this many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        AuditLog log = new AuditLog(runtime.resolve().audit());
        List<AuditRecord> records = log.read();
        Map<String, AuditRecord> last = new LinkedHashMap<>();
        for (AuditRecord record : records) {
            if (record.step().equals("run")
                    && (pipeline == null || pipeline.equals(record.pipeline()))) {
                last.remove(record.runId());
                last.put(record.runId(), record);
            }
        }
        List<AuditRecord> runs = new ArrayList<>(last.values());
        runs = runs.subList(Math.max(0, runs.size() - limit), runs.size());
        System.out.printf(
                "%-36s  %-22s  %-9s  %-10s  %-9s  %7s  %8s  %10s  %s%n",
                "RUN",
                "PIPELINE",
                "MODE",
                "DATE",
                "STATUS",
                "ATTEMPT",
                "SECONDS",
                "ROWS IN",
                "ERROR");
        for (AuditRecord run : runs) {
            Duration took =
                    run.endedAt() == null ? null : Duration.between(run.startedAt(), run.endedAt());
            System.out.printf(
                    "%-36s  %-22s  %-9s  %-10s  %-9s  %7s  %8s  %10s  %s%n",
                    run.runId(),
                    run.pipeline(),
                    run.mode(),
                    run.logicalDate() == null ? "-" : run.logicalDate(),
                    run.status(),
                    run.attempt() == null ? "-" : run.attempt(),
                    took == null ? "-" : String.format("%.1f", took.toMillis() / 1000.0),
                    run.rowsIn() == null ? "-" : run.rowsIn(),
                    run.error() == null ? "" : run.error());
        }
        if (runs.isEmpty()) {
            System.out.println("(no runs in " + log.describe() + ")");
        }
        return 0;
    }
}
