package io.flowbundle.connector.parquet;

import io.flowbundle.connector.SourcePlan;
import io.flowbundle.fs.Locations;
import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.ParquetInputs;
import io.flowbundle.parquet.ParquetSchemaCheck;
import io.flowbundle.pipeline.PipelineGraph;
import io.flowbundle.spec.PipelineSpec;
import io.flowbundle.spec.SourceSpec;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.core.fs.Path;

/**
 * Parquet files: one file, or a folder (a key prefix on object storage) read recursively (Hive
 * partitions such as {@code date=2026-11-01/} allowed). Before the job, the files are listed and
 * their footers checked against the contract, so a wrong file fails the run in one line naming it.
 *
 * @param path a Flink file system location: {@code file:/...} or {@code s3://bucket/prefix}
 * @param datePartition the Hive partition key that holds the logical date ({@code date} by
 *     default); {@code --date} reads only that partition
 */
public record ParquetSourceSpec(Path path, String datePartition) implements SourceSpec {

    /** A source on the local disk. */
    public ParquetSourceSpec(java.nio.file.Path path, String datePartition) {
        this(Locations.local(path), datePartition);
    }

    @Override
    public String type() {
        return ParquetConnector.TYPE;
    }

    @Override
    public String describe() {
        return Locations.describe(path);
    }

    @Override
    public Datasets.Id dataset() {
        return Datasets.location(path);
    }

    @Override
    public boolean streams() {
        return false;
    }

    @Override
    public SourcePlan plan(PipelineSpec spec, boolean bounded, LocalDate logicalDate) {
        String where = spec.file() + ": " + spec.mainInput().keyOf("source") + ".path";
        List<Path> files = ParquetInputs.list(path, datePartition, logicalDate, where);
        ParquetSchemaCheck.Stats stats = ParquetSchemaCheck.checkLocations(files, spec.contract());
        return new SourcePlan(
                new ParquetEventSource(files, PipelineGraph.payloadType(spec), describe()),
                new SourcePlan.Input(
                        List.of(describe()), stats.rows(), stats.bytes(), stats.files()));
    }
}
