package io.flowbundle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.fs.FileSystems;
import io.flowbundle.fs.FileTrees;
import io.flowbundle.parquet.ParquetSinks;
import io.flowbundle.parquet.Partitioning;
import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.MiniClusters;
import io.flowbundle.testing.S3Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Flink job on a MiniCluster writes partitioned Parquet to s3:// and DuckDB reads it back. */
class S3ParquetSinkITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final RowType TYPE =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new VarCharType(VarCharType.MAX_LENGTH), new BigIntType()
                    },
                    new String[] {"day", "n"});

    @BeforeAll
    static void fileSystems() {
        S3.createBucket("lake");
        // the MiniCluster's tasks run in this JVM and share its file systems
        FileSystems.initialize(S3.flinkConfig());
    }

    @Test
    void aBatchJobWritesPartitionedParquetToObjectStorage() throws Exception {
        List<RowData> rows = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            rows.add(
                    GenericRowData.of(
                            StringData.fromString(i % 4 == 0 ? "2026-11-02" : "2026-11-01"), i));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        env.fromData(rows, InternalTypeInfo.of(TYPE))
                .sinkTo(
                        ParquetSinks.fileSink(
                                new Path("s3://lake/out/"),
                                Partitioning.of(TYPE, List.of("day"), null, "test.partition_by"),
                                "snappy",
                                "part"))
                .name("parquet-to-s3");

        env.execute("parquet-to-s3");

        List<FileStatus> files = FileTrees.listFiles(new Path("s3://lake/out"));
        assertThat(files).isNotEmpty();
        assertThat(files)
                .allSatisfy(
                        file ->
                                assertThat(file.getPath().getName())
                                        .startsWith("part-")
                                        .endsWith(".parquet"));
        assertThat(files)
                .extracting(file -> file.getPath().getParent().getName())
                .containsOnly("day=2026-11-01", "day=2026-11-02");
        try (DuckDb duck = new DuckDb()) {
            String written = DuckDb.parquet(S3.objectFile("lake", "out"));
            assertThat(duck.count("SELECT count(*) FROM " + written)).isEqualTo(1000);
            assertThat(
                            duck.query(
                                    "SELECT CAST(day AS VARCHAR) AS day, count(*) AS c, CAST(sum(n) AS BIGINT) AS s FROM "
                                            + written
                                            + " GROUP BY day ORDER BY day"))
                    .containsExactly(
                            Map.of("day", "2026-11-01", "c", 750L, "s", 375_000L),
                            Map.of("day", "2026-11-02", "c", 250L, "s", 124_500L));
        }
    }
}
