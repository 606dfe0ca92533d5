package io.flowbundle.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Datasets as users write them on the command line. */
class DatasetsTest {

    @Test
    void aPathIsAFileDatasetByItsAbsoluteNormalizedPath() {
        assertThat(Datasets.parse("out/../out/sensor-daily"))
                .isEqualTo(
                        new Datasets.Id(
                                "file", Path.of("out/sensor-daily").toAbsolutePath().toString()));
        assertThat(Datasets.parse("/lake/curated/"))
                .isEqualTo(new Datasets.Id("file", "/lake/curated"));
    }

    @Test
    void fileNamespaceAndFileUrisAreFileDatasetsToo() {
        assertThat(Datasets.parse("file:/lake/curated"))
                .isEqualTo(new Datasets.Id("file", "/lake/curated"));
        assertThat(Datasets.parse("file:///lake/curated"))
                .isEqualTo(new Datasets.Id("file", "/lake/curated"));
    }

    @Test
    void aNamespaceIsSchemeHostAndPortTheNameFollowsTheNextColon() {
        assertThat(Datasets.parse("kafka://127.0.0.1:9092:sensor-events"))
                .isEqualTo(new Datasets.Id("kafka://127.0.0.1:9092", "sensor-events"));
        assertThat(Datasets.parse("kafka://broker:sensor-events"))
                .isEqualTo(new Datasets.Id("kafka://broker", "sensor-events"));
        // a name may contain colons; only the port is digits right after the host
        assertThat(Datasets.parse("kafka://broker:9092:a:b"))
                .isEqualTo(new Datasets.Id("kafka://broker:9092", "a:b"));
    }

    @Test
    void anObjectStoreLocationIsNamedAsRunsNameIt() {
        assertThat(Datasets.parse("s3://lake/out/sensor-hourly"))
                .isEqualTo(new Datasets.Id("s3://lake", "out/sensor-hourly"))
                .isEqualTo(
                        Datasets.location(
                                new org.apache.flink.core.fs.Path("s3://lake/out/sensor-hourly")));
        assertThat(Datasets.parse("s3a://lake/out/"))
                .isEqualTo(new Datasets.Id("s3a://lake", "out"));
        assertThat(Datasets.parse("hdfs://namenode:8020/data/events"))
                .isEqualTo(new Datasets.Id("hdfs://namenode:8020", "data/events"));
        // the NAMESPACE:NAME form still wins where it applies
        assertThat(Datasets.parse("s3://lake:out/sensor-hourly"))
                .isEqualTo(new Datasets.Id("s3://lake", "out/sensor-hourly"));
    }

    @Test
    void whatADatasetPrintsAsParsesBackToIt() {
        for (Datasets.Id id :
                new Datasets.Id[] {
                    Datasets.kafka("127.0.0.1:9092,127.0.0.1:9093", "sensor-hourly"),
                    Datasets.file(Path.of("/lake/curated"))
                }) {
            assertThat(Datasets.parse(id.toString())).isEqualTo(id);
        }
    }

    @Test
    void aNamespaceWithoutANameIsRejectedWithTheSyntax() {
        assertThatThrownBy(() -> Datasets.parse("kafka://broker:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka://127.0.0.1:9092:topic");
    }
}
