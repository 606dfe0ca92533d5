package io.flowbundle.cli;

import io.flowbundle.UsageException;
import io.flowbundle.config.Durations;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.kafka.KafkaConnector;
import io.flowbundle.jobs.StreamRun;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowbundle stream}: a pipeline over Kafka, unbounded or up to the topic's current end. */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline over its Kafka topic, continuously.",
            "",
            "Event-time windows, checkpoints and exactly-once sinks, until cancelled (Ctrl-C) or,",
            "with --bounded, until the offsets found at start.",
            "",
            "Example: flowbundle stream --pipeline conf/pipelines/sensor-hourly-stream.yaml --bounded"
        })
final class StreamCommand implements Callable<Integer> {

    @Option(
            names = "--pipeline",
            required = true,
            paramLabel = "SPEC",
            description = "Pipeline spec (YAML) with source.type: kafka.")
    Path pipeline;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description =
                    "Kafka bootstrap servers for the source and every Kafka sink (overrides the spec).")
    String bootstrap;

    @Option(
            names = "--bounded",
            description = "Stop at the end offsets found at start, then finish like a batch run.")
    boolean bounded;

    @Option(
            names = "--checkpoint-interval",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "Checkpoint interval, e.g. 10s (default 10 s, or execution.checkpointing.interval).")
    Duration checkpointInterval;

    @Option(
            names = "--state-backend",
            paramLabel = "hashmap|rocksdb",
            description = "State backend (default hashmap, or state.backend.type).")
    String stateBackend;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = {
                "Restore from this savepoint or retained checkpoint (a folder with _metadata).",
                "Without it, a run resumes by itself from the newest complete checkpoint or",
                "savepoint its pipeline left behind (under .flowbundle/checkpoints/<pipeline>, or",
                "execution.checkpointing.dir / execution.checkpointing.savepoint-dir when set), so",
                "a run restarted after a crash carries on where it was."
            })
    String fromSavepoint;

    @Option(
            names = "--from-scratch",
            description = {
                "Ignore retained checkpoints and start over from the source's start offsets",
                "(start: earliest reprocesses the whole topic, committed the group's committed",
                "offsets, latest only new records). Outputs already written are kept: windows",
                "written before are written again. Cannot be combined with --from-savepoint."
            })
    boolean fromScratch;

    @Mixin ProgressOption progress;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        if (fromScratch && fromSavepoint != null) {
            throw new UsageException(
                    "--from-scratch and --from-savepoint exclude each other: restore the savepoint, or start over"
                            + " without saved state; drop one of them");
        }
        if (checkpointInterval != null) {
            runtime.flink.put(
                    "execution.checkpointing.interval", Durations.format(checkpointInterval));
        }
        if (stateBackend != null) {
            runtime.flink.put("state.backend.type", stateBackend);
        }
        if (fromSavepoint != null) {
            runtime.flink.put("execution.state-recovery.path", fromSavepoint);
        }
        // the file systems first (s3:// needs the plugin and the flink: settings): the spec's
        // locations are checked against them as it loads
        RuntimeConfig config = runtime.resolve();
        PipelineSpec spec = withBootstrap(SpecLoader.load(pipeline), bootstrap);
        StreamRun.Summary summary =
                new StreamRun(spec, config, bounded, progress.interval, fromScratch).run();
        if (summary.counts() == null) {
            System.out.printf(
                    "run %s %s%n  audit      %s%n",
                    summary.run().runId(), summary.status(), config.describeAudit());
            return 0;
        }
        System.out.printf(
                "run %s %s after %.1f s%n  %s%n  audit      %s%n",
                summary.run().runId(),
                summary.status(),
                summary.took().toMillis() / 1000.0,
                summary.counts(),
                config.describeAudit());
        return 0;
    }

    static PipelineSpec withBootstrap(PipelineSpec spec, String bootstrap) {
        return bootstrap == null
                ? spec
                : spec.withConnectorOption(KafkaConnector.BOOTSTRAP.key(), bootstrap);
    }
}
