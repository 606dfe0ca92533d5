package io.flowbundle.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.config.ConfigException;
import java.net.URI;
import java.util.Map;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocationsTest {

    private static final java.nio.file.Path BASE = java.nio.file.Path.of("/srv/conf/pipelines");
    private static final String WHERE = "conf/pipelines/p.yaml: sinks.hourly.path";

    @BeforeAll
    static void fileSystems() {
        // an endpoint nobody listens on: resolving an s3:// location must not reach out at all
        FileSystems.initialize(
                Map.of(
                        "s3.endpoint",
                        "http://127.0.0.1:9",
                        "s3.path.style.access",
                        "true",
                        "s3.access-key",
                        "test",
                        "s3.secret-key",
                        "test",
                        "fs.s3a.endpoint.region",
                        "us-east-1",
                        "fs.s3a.aws.credentials.provider",
                        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"));
    }

    @Test
    void aRelativePathResolvesAgainstTheBaseFolder() {
        Path path = Locations.resolve("../../out/hourly", BASE, WHERE);

        assertThat(path.toUri()).isEqualTo(URI.create("file:/srv/out/hourly"));
    }

    @Test
    void anAbsolutePathIsALocalFile() {
        assertThat(Locations.resolve("/data/events/", BASE, WHERE).toUri().getScheme())
                .isEqualTo("file");
        assertThat(Locations.resolve("/data/events/", BASE, WHERE).getPath())
                .isEqualTo("/data/events");
    }

    @Test
    void aUriWithASchemeIsKeptAsItIs() {
        assertThat(Locations.resolve("s3://lake/out/hourly", BASE, WHERE).toUri())
                .isEqualTo(URI.create("s3://lake/out/hourly"));
        assertThat(Locations.resolve("s3a://lake/in", BASE, WHERE).toUri())
                .isEqualTo(URI.create("s3a://lake/in"));
        assertThat(Locations.resolve("file:///tmp/x", BASE, WHERE).toUri())
                .isEqualTo(URI.create("file:///tmp/x"));
    }

    @Test
    void s3IsADistributedFileSystemAndTheLocalOneIsNot() throws Exception {
        assertThat(Locations.resolve("s3://lake/x", BASE, WHERE).getFileSystem().isDistributedFS())
                .isTrue();
        assertThat(Locations.resolve("out", BASE, WHERE).getFileSystem().isDistributedFS())
                .isFalse();
    }

    @Test
    void anUnknownSchemeNamesTheKeyAndThePluginsFolder() {
        assertThatThrownBy(() -> Locations.resolve("gs2://lake/x", BASE, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "conf/pipelines/p.yaml: sinks.hourly.path: no file system for scheme 'gs2' in"
                                + " 'gs2://lake/x' (s3:// and s3a:// need Flink's flink-s3-fs-hadoop in the"
                                + " plugins folder, see docs/ARCHITECTURE.md, Object storage)");
    }

    @Test
    void aBucketIsRequired() {
        assertThatThrownBy(() -> Locations.resolve("s3:///out", BASE, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "conf/pipelines/p.yaml: sinks.hourly.path: 's3:///out' names no bucket or host:"
                                + " write s3://BUCKET/folder");
    }

    @Test
    void anEmptyLocationIsAnError() {
        assertThatThrownBy(() -> Locations.resolve(" ", BASE, WHERE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "conf/pipelines/p.yaml: sinks.hourly.path: expected a path or URI");
    }

    @Test
    void aWindowsDriveLetterIsNotAScheme() {
        assertThat(Locations.resolve("c:data", BASE, WHERE).toUri().getScheme()).isEqualTo("file");
    }
}
