package io.flowbundle.connector;

import io.flowbundle.lineage.Datasets;
import io.flowbundle.parquet.Partitioning;
import org.apache.flink.core.fs.Path;

/**
 * What a sink attached to a job will write, for the commit, the audit and lineage.
 *
 * @param id the dataset as lineage names it
 * @param target where the rows go, as people and the audit name it (a folder, kafka://...)
 * @param folder the folder (or object-store prefix) of files, for a file sink (else null)
 * @param stagedDir where a bounded run writes before its commit, for a sink that commits (else
 *     null: the sink's writes are its own commit, e.g. Kafka transactions)
 */
public record WrittenDataset(
        Datasets.Id id, String target, Path folder, Path stagedDir, Partitioning partitioning) {}
