package io.flowbundle.cli;

import io.flowbundle.audit.AuditLog;
import io.flowbundle.audit.AuditRecord;
import io.flowbundle.governance.AuditQuery;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowbundle audit}: the audit log, filtered. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Query the audit log: records of pipeline runs and retention, oldest first.",
            "Text prints aligned columns; json prints JSON Lines as stored.",
            "",
            "Example: flowbundle audit --pipeline sensor-hourly --since 2026-11-01 --step load"
        })
final class AuditCommand implements Callable<Integer> {

    @Option(
            names = "--run",
            paramLabel = "ID",
            description = "Only this run (its id, or the id's first characters).")
    String run;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline.")
    String pipeline;

    @Option(
            names = "--since",
            paramLabel = "INSTANT|DATE",
            description =
                    "Only steps started at or after this instant (2026-11-01T10:00:00Z) or UTC date (2026-11-01).")
    String since;

    @Option(
            names = "--step",
            paramLabel = "STEP",
            description =
                    "Only this step: extract, validate, dedupe, transform, load, stage, run, retention, ...")
    String step;

    @Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "text|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Mixin RuntimeOptions runtime;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        AuditQuery query =
                new AuditQuery(
                        run, pipeline, since == null ? null : AuditQuery.parseSince(since), step);
        AuditLog log = new AuditLog(runtime.resolve().audit());
        List<AuditRecord> records = query.select(log.read());
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.print(AuditQuery.jsonLines(records));
        } else if (records.isEmpty()) {
            out.println("(no matching audit records in " + log.describe() + ")");
        } else {
            out.print(AuditQuery.text(records));
        }
        return 0;
    }
}
