package io.flowbundle.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.flowbundle.testing.S3Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The object-storage primitives a pipeline needs (write, list a partition tree, read, delete a
 * prefix) and the errors a user sees, through Flink's FileSystem API against a real S3 server.
 */
class S3FileSystemITCase {

    @RegisterExtension static final S3Server S3 = new S3Server();

    private static final String BUCKET = "lake";

    @BeforeAll
    static void bucket() {
        S3.createBucket(BUCKET);
    }

    @BeforeEach
    void reachTheServer() {
        FileSystems.initialize(S3.flinkConfig());
    }

    @Test
    void writesListsReadsAndDeletesAPartitionTree() throws Exception {
        Path root = new Path("s3://" + BUCKET + "/events");
        // the first request of a JVM pays for the S3 client's warm-up (seconds): keep it out of the
        // figures
        write(new Path("s3://" + BUCKET + "/warm-up.txt"), "x");
        long start = System.nanoTime();
        write(new Path(root, "date=2026-11-01/part-0.txt"), "one");
        write(new Path(root, "date=2026-11-01/part-1.txt"), "two");
        write(new Path(root, "date=2026-11-02/part-0.txt"), "three");
        start = took("write 3 objects", start);

        List<FileStatus> files = FileTrees.listFiles(root);
        start = took("list a tree of 2 partitions, 3 files", start);

        assertThat(files)
                .extracting(file -> file.getPath().toUri().getPath())
                .containsExactlyInAnyOrder(
                        "/events/date=2026-11-01/part-0.txt",
                        "/events/date=2026-11-01/part-1.txt",
                        "/events/date=2026-11-02/part-0.txt");
        assertThat(files).allSatisfy(file -> assertThat(file.getLen()).isPositive());
        assertThat(read(new Path(root, "date=2026-11-02/part-0.txt"))).isEqualTo("three");
        start = took("read 1 object", start);
        // the filesystem blob store keeps each object as a plain file: what DuckDB reads in tests
        assertThat(Files.readString(S3.objectFile(BUCKET, "events/date=2026-11-01/part-1.txt")))
                .isEqualTo("two");

        start = System.nanoTime();
        assertThat(FileTrees.deleteRecursively(new Path(root, "date=2026-11-01"))).isTrue();
        took("delete a partition of 2 files", start);

        assertThat(FileTrees.listFiles(root))
                .extracting(file -> file.getPath().getName())
                .containsExactly("part-0.txt");
        assertThat(FileTrees.deleteRecursively(new Path(root, "date=2026-11-01"))).isFalse();
        assertThat(FileTrees.listFiles(new Path(root, "date=2026-11-01"))).isEmpty();
    }

    @Test
    void aBucketThatDoesNotExist() {
        Path path = new Path("s3://no-such-bucket/out/part-0.txt");

        String message = failure(path, () -> write(path, "x"), Duration.ofSeconds(30));

        assertThat(message)
                .isEqualTo(
                        "s3://no-such-bucket/out/part-0.txt: bucket 'no-such-bucket' does not exist:"
                                + " create it or correct the bucket in the location");
    }

    @Test
    void wrongCredentials() {
        FileSystems.initialize(
                S3Server.flinkConfig(S3.endpoint(), S3.accessKey(), "not-the-secret"));
        Path path = new Path("s3://" + BUCKET + "/out/part-0.txt");

        String message = failure(path, () -> write(path, "x"), Duration.ofSeconds(30));

        assertThat(message)
                .isEqualTo(
                        "s3://lake/out/part-0.txt: access denied (403): check s3.access-key and"
                                + " s3.secret-key, and that they may use this bucket");
    }

    @Test
    void aServerThatDoesNotAnswer() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FileSystems.initialize(
                S3Server.flinkConfig(
                        "http://127.0.0.1:" + closedPort, S3.accessKey(), S3.secretKey()));
        Path path = new Path("s3://" + BUCKET + "/out/part-0.txt");

        String message = failure(path, () -> write(path, "x"), Duration.ofSeconds(30));

        assertThat(message)
                .isEqualTo(
                        "s3://lake/out/part-0.txt: the S3 endpoint 127.0.0.1:"
                                + closedPort
                                + " does not answer (Connection refused): check s3.endpoint and that"
                                + " the server is running");
    }

    @Test
    void aServerThatAcceptsButNeverAnswers() throws IOException {
        // the kernel completes the connection (backlog), nobody reads or writes: a hung endpoint
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            FileSystems.initialize(
                    S3Server.flinkConfig(
                            "http://127.0.0.1:" + silent.getLocalPort(),
                            S3.accessKey(),
                            S3.secretKey()));
            Path path = new Path("s3://" + BUCKET + "/out/part-0.txt");

            String message = failure(path, () -> write(path, "x"), Duration.ofSeconds(30));

            assertThat(message)
                    .isEqualTo(
                            "s3://lake/out/part-0.txt: the S3 endpoint does not answer"
                                    + " (Read timed out): check s3.endpoint and that the server is running");
        }
    }

    private static long took(String what, long start) {
        long now = System.nanoTime();
        System.out.println(what + ": " + (now - start) / 1_000_000 + " ms");
        return now;
    }

    private interface Io {
        void run() throws IOException;
    }

    /**
     * The one-line message of {@code call}'s failure at {@code path}, which must come within {@code
     * bound}; neither the message nor the whole stack trace may contain the secret key.
     */
    private static String failure(Path path, Io call, Duration bound) {
        long start = System.nanoTime();
        Throwable error = catchThrowable(call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(error).as("the call must fail").isNotNull();
        assertThat(took).as("time to fail").isLessThan(bound);
        String message = StorageErrors.describe(path, error);
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        assertThat(message).doesNotContain(S3.secretKey()).doesNotContain("\n");
        assertThat(trace.toString()).doesNotContain(S3.secretKey());
        System.out.println("failed in " + took.toMillis() + " ms: " + message);
        return message;
    }

    private static void write(Path path, String text) throws IOException {
        FileSystem fs = path.getFileSystem();
        try (FSDataOutputStream out = fs.create(path, FileSystem.WriteMode.OVERWRITE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(Path path) throws IOException {
        try (FSDataInputStream in = path.getFileSystem().open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
