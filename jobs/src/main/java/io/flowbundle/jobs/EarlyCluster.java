package io.flowbundle.jobs;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MiniCluster of one run, started on a thread of its own as soon as the run begins, so
 * that it comes up (about 3 s in a fresh JVM) while the run plans its job on the main thread
 * (column lineage and SQL planning, the rest of a cold start). Otherwise exactly what Flink's local
 * environment does: its local executor submits the job to a MiniCluster that shuts down when the
 * job ends. If the job needs more slots than the early cluster has, the early one is closed and the
 * executor starts one that fits.
 */
final class EarlyCluster {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyCluster.class);

    private final Configuration configuration;
    private final Starting cluster;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private EarlyCluster(Configuration configuration) {
        this.configuration = new Configuration(configuration);
        this.configuration.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
        this.configuration.set(DeploymentOptions.ATTACHED, true);
        if (!this.configuration.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            // what StreamExecutionEnvironment.createLocalEnvironment() chooses
            this.configuration.set(
                    CoreOptions.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors());
        }
        this.cluster = new Starting(clusterConfiguration(this.configuration));
    }

    /** Starts the cluster for a job configured by {@code configuration}; returns at once. */
    static EarlyCluster start(Configuration configuration) {
        EarlyCluster early = new EarlyCluster(configuration);
        early.cluster.startInBackground();
        return early;
    }

    /** An environment whose jobs run on this cluster (the first job; it shuts the cluster down). */
    StreamExecutionEnvironment environment() {
        return new StreamExecutionEnvironment(
                new Executors(), configuration, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Shuts the cluster down if no job has claimed it (the run failed before submitting); the
     * future completes when it is down (at once if a job has it: the job shuts it down).
     */
    CompletableFuture<Void> closeIfUnclaimed() {
        return claimed.compareAndSet(false, true)
                ? cluster.closeAsync()
                : CompletableFuture.completedFuture(null);
    }

    /**
     * {@link #closeIfUnclaimed()} of a run's early cluster, if it has one (none off the embedded
     * path).
     */
    static void closeIfUnclaimed(EarlyCluster early) {
        if (early != null) {
            early.closeIfUnclaimed();
        }
    }

    /** Whether the cluster is up and no job has claimed it (for tests). */
    boolean idle() {
        return !claimed.get() && cluster.isRunning();
    }

    /** One TaskManager with a slot per parallel subtask, like Flink's per-job MiniCluster. */
    private static MiniClusterConfiguration clusterConfiguration(Configuration configuration) {
        Configuration cluster = new Configuration(configuration);
        if (!cluster.contains(RestOptions.BIND_PORT)) {
            cluster.set(RestOptions.BIND_PORT, "0");
        }
        int taskManagers = cluster.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS);
        int parallelism = cluster.get(CoreOptions.DEFAULT_PARALLELISM);
        int slots =
                cluster.getOptional(TaskManagerOptions.NUM_TASK_SLOTS)
                        .orElse(Math.max(1, (parallelism + taskManagers - 1) / taskManagers));
        return new MiniClusterConfiguration.Builder()
                .setConfiguration(cluster)
                .setNumTaskManagers(taskManagers)
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .setNumSlotsPerTaskManager(slots)
                .build();
    }

    /** The cluster for a job that needs {@code needed}: the early one if it is big enough. */
    private MiniCluster claim(MiniClusterConfiguration needed) {
        if (slots(needed) > slots(cluster.configuration())) {
            LOG.info("the job needs more slots than the early cluster has; starting one that fits");
            closeIfUnclaimed();
        } else if (claimed.compareAndSet(false, true)) {
            return cluster;
        }
        // too small, or a later job of the same environment: a cluster of its own, as Flink would
        return new MiniCluster(needed);
    }

    private static int slots(MiniClusterConfiguration cluster) {
        return cluster.getNumTaskManagers()
                * cluster.getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS);
    }

    /** Flink's local executor, over {@link #claim}. */
    private final class Executors
            implements PipelineExecutorServiceLoader, PipelineExecutorFactory {

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration ignored) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(LocalExecutor.NAME);
        }

        @Override
        public String getName() {
            return LocalExecutor.NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration ignored) {
            return true;
        }

        @Override
        public PipelineExecutor getExecutor(Configuration ignored) {
            return LocalExecutor.createWithFactory(configuration, EarlyCluster.this::claim);
        }
    }

    /** A MiniCluster whose start() waits for the start begun earlier on another thread. */
    private static final class Starting extends MiniCluster {

        private final MiniClusterConfiguration configuration;
        private final CompletableFuture<Void> started = new CompletableFuture<>();

        Starting(MiniClusterConfiguration configuration) {
            super(configuration);
            this.configuration = configuration;
        }

        MiniClusterConfiguration configuration() {
            return configuration;
        }

        void startInBackground() {
            Thread starter =
                    new Thread(
                            () -> {
                                try {
                                    super.start();
                                    started.complete(null);
                                } catch (Throwable e) {
                                    started.completeExceptionally(e);
                                }
                            },
                            "flowbundle-cluster-start");
            starter.setDaemon(true);
            starter.start();
        }

        @Override
        public void start() throws Exception {
            try {
                started.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            // closing before the start has finished would race with it
            return started.handle((ok, failed) -> null).thenCompose(ignored -> super.closeAsync());
        }
    }
}
