package io.flowbundle.connector.parquet;

import io.flowbundle.connector.SourcePlan;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetSchemaCheck;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SourceSpec;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Parquet files: one file, or a folder read recursively (Hive partitions such as {@code
 * date=2026-11-01/} allowed). Before the job, the files are listed and their footers checked
 * against the contract, so a wrong file fails the run in one line naming it.
 *
 * @param datePartition the Hive partition key that holds the logical date ({@code date} by
 *     default); {@code --date} reads only that partition
 */
public record ParquetSourceSpec(Path path, String datePartition) implements SourceSpec {

    @Override
    public String type() {
        return ParquetConnector.TYPE;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public Datasets.Id dataset() {
        return Datasets.file(path);
    }

    @Override
    public boolean streams() {
        return false;
    }

    @Override
    public SourcePlan plan(PipelineSpec spec, boolean bounded, LocalDate logicalDate) {
        List<Path> files = ParquetInputs.list(path, datePartition, logicalDate);
        ParquetSchemaCheck.Stats stats = ParquetSchemaCheck.check(files, spec.contract());
        return new SourcePlan(
                new ParquetEventSource(files, PipelineGraph.payloadType(spec), path.toString()),
                new SourcePlan.Input(List.of(path.toString()), stats.rows(), stats.bytes(), stats.files()));
    }
}
