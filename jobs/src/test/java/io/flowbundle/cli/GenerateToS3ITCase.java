package io.flowbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.testing.DuckDb;
import io.flowbundle.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code generate --out s3://...} writes the sample to object storage (S3Proxy), with the S3
 * settings as {@code -D}, and refuses to mix two samples there as on disk.
 */
class GenerateToS3ITCase {

    @RegisterExtension static final S3Server S3 = new S3Server();

    @BeforeAll
    static void bucket() {
        S3.createBucket("lake");
    }

    @Test
    void writesTheSampleToObjectStorageAndRefusesToMixTwoSamples() throws Exception {
        Cli cli = generate("--events", "1000", "--days", "2");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("wrote 1000 events to s3://lake/sample in ");
        assertThat(rows()).isEqualTo(1000);
        try (Stream<Path> partitions = Files.list(S3.objectFile("lake", "sample"))) {
            assertThat(partitions.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("date=2026-11-01", "date=2026-11-02");
        }

        Cli refused = generate("--events", "500", "--days", "1");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err())
                .contains(
                        "--out s3://lake/sample already holds 2 partition(s)"
                                + " (date=2026-11-01 .. date=2026-11-02)",
                        "pass --overwrite");
        assertThat(rows()).isEqualTo(1000);

        Cli replaced = generate("--events", "500", "--days", "1", "--overwrite");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.out()).startsWith("replaced 2 partition(s) of s3://lake/sample");
        assertThat(rows()).isEqualTo(500);
        assertThat(cli.out() + cli.err() + replaced.out() + replaced.err())
                .doesNotContain(S3.secretKey());
    }

    private static Cli generate(String... options) {
        List<String> args = new ArrayList<>(List.of("generate", "--out", "s3://lake/sample"));
        args.addAll(List.of(options));
        S3.flinkConfig().forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
        return Cli.run(args.toArray(String[]::new));
    }

    private static long rows() throws Exception {
        try (DuckDb duck = new DuckDb()) {
            return duck.count(
                    "SELECT count(*) FROM " + DuckDb.parquet(S3.objectFile("lake", "sample")));
        }
    }
}
