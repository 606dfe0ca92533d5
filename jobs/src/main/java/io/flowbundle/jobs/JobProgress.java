package io.flowbundle.jobs;

import io.flowbundle.pipeline.RunCounts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

/**
 * Waits for a submitted job's result and, while it runs, hands its counts so far to a reporter at a
 * fixed interval: the progress lines of batch and streaming runs. The counts are the job's
 * accumulators as its TaskManagers last reported them (with their heartbeats), so they trail the
 * records by up to a heartbeat interval.
 */
final class JobProgress {

    private JobProgress() {}

    /**
     * The job's result once it ends; {@code report} runs on this thread every {@code interval}
     * until then, skipped when the counts cannot be read.
     *
     * @throws Exception why the job failed or was cancelled
     */
    static JobExecutionResult await(JobClient client, Duration interval, Consumer<RunCounts> report)
            throws Exception {
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        while (true) {
            try {
                return result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException failed) {
                // as StreamExecutionEnvironment#execute does: the job's failure, not the future's
                // wrapper
                throw failed.getCause() instanceof Exception cause ? cause : failed;
            } catch (TimeoutException stillRunning) {
                RunCounts counts = counts(client);
                if (counts != null) {
                    report.accept(counts);
                }
            }
        }
    }

    /** The job's counts so far, or null if they cannot be read within 5 s. */
    static RunCounts counts(JobClient client) {
        try {
            return RunCounts.of(client.getAccumulators().get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            return null;
        }
    }
}
