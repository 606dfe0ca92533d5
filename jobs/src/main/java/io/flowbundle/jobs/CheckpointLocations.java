package io.flowbundle.jobs;

import io.flowbundle.FlowbundleException;
import io.flowbundle.config.ConfigException;
import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.fs.Locations;
import io.flowbundle.fs.StorageErrors;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.core.fs.Path;

/**
 * Checks a streaming run's checkpoint and savepoint folders before its job is built. Without it, a
 * folder on a scheme no file system serves, in a bucket that does not exist, behind a dead endpoint
 * or wrong credentials fails the job at its first checkpoint, several causes deep (or, for the
 * savepoint folder, only when someone stops the job with a savepoint). Now: an unknown scheme is a
 * configuration error naming the setting, and each object-store folder costs one request whose
 * failure is one line ({@link StorageErrors}).
 */
final class CheckpointLocations {

    private static final List<String> KEYS =
            List.of(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                    CheckpointingOptions.SAVEPOINT_DIRECTORY.key());

    private CheckpointLocations() {}

    static void check(Map<String, String> settings, RuntimeConfig config) {
        for (String key : KEYS) {
            String value = settings.get(key);
            if (value == null || value.isBlank()) {
                continue;
            }
            String where = config.describe("flink." + key) + " (or -D " + key + ")";
            Path location;
            try {
                location = new Path(value.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": '" + value + "' is not a valid location");
            }
            Locations.requireFileSystem(location, where);
            if (Locations.isLocal(location)) {
                continue;
            }
            try {
                location.getFileSystem().exists(location);
            } catch (IOException e) {
                throw new FlowbundleException(
                        where + ": " + StorageErrors.describe(location, e), e);
            }
        }
    }
}
