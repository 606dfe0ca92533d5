package io.flowbundle.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

class StorageErrorsTest {

    private static final Path TARGET = new Path("s3://lake/out/sensor-hourly");

    /** As the S3 plugin's exception reaches the client of a failed job: serialized by Flink. */
    private static Throwable refusedInAJob() {
        Exception plugin =
                new IOException(
                        "getFileStatus on s3://lake/out: com.amazonaws.SdkClientException: Unable"
                                + " to execute HTTP request: Connect to 127.0.0.1:9000 failed",
                        new ConnectException("Connection refused"));
        return new RuntimeException("Job execution failed.", new SerializedThrowable(plugin));
    }

    @Test
    void aRefusedConnectionIsUnreachableAlsoThroughAJobsSerializedFailure() {
        assertThat(StorageErrors.isUnreachable(refusedInAJob())).isTrue();
        assertThat(StorageErrors.isUnreachable(new IOException("No space left on device")))
                .isFalse();
    }

    @Test
    void anUnreachableEndpointIsOneLineNamingTheLocationAndTheEndpoint() {
        assertThat(StorageErrors.describe(TARGET, refusedInAJob()))
                .isEqualTo(
                        "s3://lake/out/sensor-hourly: the S3 endpoint 127.0.0.1:9000 does not"
                                + " answer (Connection refused): check s3.endpoint and that the"
                                + " server is running");
    }
}
