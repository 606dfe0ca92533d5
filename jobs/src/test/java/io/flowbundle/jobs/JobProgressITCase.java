package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.operators.Counters;
import io.flowbundle.pipeline.RunCounts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bounded job's counts reach the progress reporter while it runs, and its failure its caller. */
class JobProgressITCase {

    /**
     * Accumulators travel with the TaskManager's heartbeats: frequent ones keep this test short.
     */
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(heartbeats())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final long RECORDS = 1_000;

    /** Opened by the reporter once it has seen every record counted; the job cannot end before. */
    private static final CountDownLatch REPORTED = new CountDownLatch(1);

    private static Configuration heartbeats() {
        Configuration conf = new Configuration();
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofMillis(200));
        return conf;
    }

    @Test
    void aRunningBatchJobReportsItsCountsSoFarAndThenItsResult() throws Exception {
        StreamExecutionEnvironment env = batchEnvironment();
        env.fromSequence(1, RECORDS)
                .map(new CountThenWaitForTheReport())
                .sinkTo(new DiscardingSink<>());
        JobClient client = env.executeAsync("progress");
        List<Long> reported = new CopyOnWriteArrayList<>();

        JobExecutionResult result =
                JobProgress.await(
                        client,
                        Duration.ofMillis(100),
                        counts -> {
                            reported.add(counts.consumed());
                            if (counts.consumed() == RECORDS) {
                                REPORTED.countDown();
                            }
                        });

        assertThat(reported).isNotEmpty().contains(RECORDS).isSorted();
        assertThat(RunCounts.of(result.getAllAccumulatorResults()).consumed()).isEqualTo(RECORDS);
    }

    @Test
    void aFailedJobThrowsItsOwnFailureNotTheFuturesWrapper() throws Exception {
        StreamExecutionEnvironment env = batchEnvironment();
        env.fromSequence(1, 10).map(new Fail()).sinkTo(new DiscardingSink<>());
        JobClient client = env.executeAsync("failing");

        assertThatThrownBy(() -> JobProgress.await(client, Duration.ofMillis(100), counts -> {}))
                .isNotInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasRootCauseMessage("record 1 is not welcome");
    }

    private static StreamExecutionEnvironment batchEnvironment() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    /** Counts every record as the pipeline's input gate does, then holds the last one. */
    private static final class CountThenWaitForTheReport extends RichMapFunction<Long, Long> {
        private transient LongCounter consumed;

        @Override
        public void open(OpenContext openContext) {
            consumed = getRuntimeContext().getLongCounter(Counters.accumulatorName("input", "in"));
        }

        @Override
        public Long map(Long value) throws InterruptedException {
            consumed.add(1);
            if (value == RECORDS && !REPORTED.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "no progress report saw all " + RECORDS + " records");
            }
            return value;
        }
    }

    private static final class Fail extends RichMapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            throw new IllegalArgumentException("record " + value + " is not welcome");
        }
    }
}
