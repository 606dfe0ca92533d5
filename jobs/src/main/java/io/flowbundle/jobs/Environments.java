package io.flowbundle.jobs;

import io.flowbundle.pipeline.RunInfo;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Execution environments for pipelines. {@code getExecutionEnvironment} gives an embedded
 * MiniCluster when run from the launcher or a test, and the cluster's environment under {@code
 * flink run}: the same code path for all three ways of running.
 */
public final class Environments {

    /**
     * Defaults for the embedded MiniCluster: its 128 MB of managed memory slows batch aggregation
     * by about 1.5x (see docs/PERFORMANCE.md). A cluster ignores these; its own config rules.
     */
    static final Map<String, String> LOCAL_DEFAULTS =
            Map.of(
                    "taskmanager.memory.managed.size", "512m",
                    // shuffles stay on this machine: compressing them only burns CPU
                    "taskmanager.network.compression.codec", "NONE",
                    "execution.batch-shuffle-mode", "ALL_EXCHANGES_BLOCKING",
                    "restart-strategy.type", "fixed-delay",
                    "restart-strategy.fixed-delay.attempts", "3",
                    "restart-strategy.fixed-delay.delay", "2 s",
                    // no Kerberos on an embedded cluster: skip loading Hadoop's token providers
                    "security.delegation.tokens.enabled", "false");

    private Environments() {}

    public static StreamExecutionEnvironment create(RunInfo.Mode mode, Map<String, String> flink) {
        return StreamExecutionEnvironment.getExecutionEnvironment(configuration(mode, flink));
    }

    /**
     * The environment of one run: on the embedded MiniCluster, one started ahead of planning
     * ({@code early}, see {@link EarlyCluster}); otherwise the one Flink provides.
     */
    static StreamExecutionEnvironment create(
            RunInfo.Mode mode, Map<String, String> flink, EarlyCluster early) {
        return early == null ? create(mode, flink) : early.environment();
    }

    /**
     * Starts the embedded MiniCluster of a run now, or null when jobs go to a cluster (flink run,
     * tests).
     */
    static EarlyCluster startEarly(RunInfo.Mode mode, Map<String, String> flink) {
        return embedded() ? EarlyCluster.start(configuration(mode, flink)) : null;
    }

    static Configuration configuration(RunInfo.Mode mode, Map<String, String> flink) {
        Map<String, String> settings = new LinkedHashMap<>(LOCAL_DEFAULTS);
        settings.putAll(flink);
        Configuration conf = Configuration.fromMap(settings);
        conf.set(
                ExecutionOptions.RUNTIME_MODE,
                mode == RunInfo.Mode.BATCH
                        ? RuntimeExecutionMode.BATCH
                        : RuntimeExecutionMode.STREAMING);
        // operators never keep references to records across calls, so chained operators may
        // hand records over without copying them
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        return conf;
    }

    /**
     * Whether jobs run on a MiniCluster inside this JVM (the launcher), rather than on a cluster
     * they are submitted to with {@code flink run} (which installs its own context environment).
     */
    public static boolean embedded() {
        return StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof LocalStreamEnvironment;
    }

    /** Whether the job was submitted detached ({@code flink run -d}). */
    public static boolean detached(StreamExecutionEnvironment env) {
        return !env.getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    /** The table environment over {@code env}; all SQL time is UTC. */
    public static StreamTableEnvironment tables(StreamExecutionEnvironment env) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        return tables;
    }
}
