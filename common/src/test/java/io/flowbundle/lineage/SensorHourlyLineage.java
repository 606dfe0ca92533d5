package io.flowbundle.lineage;

import io.flowbundle.operators.Rejected;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.pipeline.RunCounts;
import io.flowbundle.pipeline.RunInfo;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SpecLoader;
import io.flowbundle.testing.Checkout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Lineage events of the sample pipeline {@code conf/pipelines/sensor-hourly.yaml} as a run would
 * build them, for tests that need real events without running a job: its output, quarantine and
 * staging datasets, and counts in which some rows broke contract rules.
 */
final class SensorHourlyLineage {

    /** The repository's conf/ folder: the real contracts, pipelines and SQL, not copies of them. */
    static final Path CONF = Checkout.conf();

    static final LocalDate DATE = LocalDate.of(2026, 11, 1);

    /** Rule violations on input: two temperatures out of range, one reading without a device. */
    static final RunCounts COUNTS =
            RunCounts.of(
                    Map.of(
                            "input.in", 100L,
                            "input.rejected", 3L,
                            "input.out", 97L,
                            "input.rule.range:temperature_c", 2L,
                            "input.rule.required:device_id", 1L,
                            "dedupe.duplicates", 4L,
                            "output.in", 12L,
                            "output.out", 12L));

    final PipelineSpec spec = SpecLoader.load(CONF.resolve("pipelines/sensor-hourly.yaml"));
    final RunInfo run = RunInfo.start(RunInfo.Mode.BATCH, DATE);
    final PipelineLineage lineage =
            new PipelineLineage(
                    LineageSink.DEFAULT_NAMESPACE,
                    spec,
                    run,
                    ColumnLineage.derive(
                            spec.transform(), PipelineGraph.payloadType(spec), spec.eventTime()));
    final PipelineLineage.Input read = new PipelineLineage.Input(100L, 123_456L, 2L);

    /**
     * Output, quarantine and staging as a run reports them; {@code committed}: with rows and files.
     */
    List<PipelineLineage.Output> outputs(boolean committed) {
        return List.of(
                new PipelineLineage.Output(
                        "output",
                        spec.sinks().get(0).dataset(),
                        spec.outputContract().rowType(),
                        spec.outputContract(),
                        committed
                                ? new PipelineLineage.Written(12L, 4_096L, 1L, true)
                                : PipelineLineage.Written.NOTHING_YET),
                new PipelineLineage.Output(
                        "quarantine",
                        spec.quarantine().dataset(),
                        Rejected.TYPE,
                        null,
                        new PipelineLineage.Written(committed ? 3L : null, null, null, false)),
                new PipelineLineage.Output(
                        "staging",
                        spec.staging().dataset(),
                        PipelineGraph.payloadType(spec),
                        spec.contract(),
                        new PipelineLineage.Written(committed ? 97L : null, null, null, false)));
    }
}
