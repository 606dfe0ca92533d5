package io.flowbundle.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local layout of an append-only log (one file); the object-store layout (one object per
 * append) is exercised against S3Proxy by S3EveryLocationITCase.
 */
class AppendOnlyLogTest {

    @TempDir Path dir;

    @Test
    void onALocalDiskItIsOneFileAppendedTo() throws Exception {
        AppendOnlyLog log = new AppendOnlyLog(Locations.local(dir.resolve("audit/audit.jsonl")));
        assertThat(log.objects()).isFalse();
        assertThat(log.readLines()).isEmpty();

        log.append("{\"a\":1}\n");
        log.append("{\"b\":2}\n{\"c\":3}\n");

        assertThat(log.readLines()).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
        assertThat(Files.readString(dir.resolve("audit/audit.jsonl")))
                .isEqualTo("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
    }

    @Test
    void anObjectStoreLocationIsAPrefixOfObjects() {
        assertThat(
                        new AppendOnlyLog(new org.apache.flink.core.fs.Path("s3://lake/audit"))
                                .objects())
                .isTrue();
    }
}
