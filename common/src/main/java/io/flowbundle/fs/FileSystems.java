package io.flowbundle.fs;

import io.flowbundle.FlowbundleException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginDescriptor;
import org.apache.flink.core.plugin.PluginManager;

/**
 * Makes Flink's file systems ({@code file://}, and {@code s3://}/{@code s3a://} where the S3 plugin
 * is present) available in this JVM with the run's Flink settings, before any path is touched: the
 * launcher's client code and its embedded MiniCluster share this JVM's file systems.
 *
 * <p>Flink's S3 file system ({@code flink-s3-fs-hadoop}) bundles Hadoop 3.3.4 and Guava without
 * relocating them, so it is never put on the class path (where it would clash with the Hadoop 3.4
 * that Parquet uses): it is loaded from a plugins folder in a class loader of its own, as a Flink
 * cluster does with {@code plugins/s3-fs-hadoop/}. The folder is, in this order: {@code
 * $FLINK_PLUGINS_DIR} (what Flink's own scripts set), or the {@code plugins} folder beside the
 * code: {@code launcher/target/plugins} for the launcher, {@code common/target/plugins} for tests.
 * Without one, only the file systems on the class path are available.
 *
 * <p>Under {@code flink run} the CLI has already initialized the file systems with the cluster's
 * plugins; calling this again there with the same folder (FLINK_PLUGINS_DIR) is harmless.
 * TaskManagers of a real cluster take their S3 settings from their own config, not from here.
 */
public final class FileSystems {

    private FileSystems() {}

    /**
     * How long a call to object storage may go on failing before the run fails, unless the {@code
     * flink:} map says otherwise. Hadoop S3A's own defaults (3.3.4, in Flink's S3 plugin) retry a
     * call that gets no connection for minutes: 20 attempts of the AWS SDK ({@code
     * fs.s3a.attempts.maximum}) inside each of S3A's 7 retries with exponential back-off ({@code
     * fs.s3a.retry.limit}, {@code fs.s3a.retry.interval}), and wait 200 s for an answer on an open
     * connection ({@code fs.s3a.connection.timeout}). With these, a call to a server that refuses
     * connections fails within seconds (3 retries after 0.5, 1 and 2 s, each of up to 3 SDK
     * attempts; a delete took 7 s in S3OutageITCase), and one to a server that accepts but does not
     * answer within 4 x 3 x 30 s at worst; a run makes a few such calls before it gives up
     * (docs/RELIABILITY.md, Faults).
     */
    public static final Map<String, String> OBJECT_STORAGE_RETRIES =
            Map.of(
                    "fs.s3a.attempts.maximum", "2",
                    "fs.s3a.retry.limit", "3",
                    "fs.s3a.retry.interval", "500ms",
                    "fs.s3a.connection.establish.timeout", "5000",
                    "fs.s3a.connection.timeout", "30000");

    /**
     * Initializes Flink's file systems with {@code flinkSettings} (the {@code flink:} map and -D
     * options), over the Flink config of {@code $FLINK_CONF_DIR} where one is set (under {@code
     * flink run}: the CLI's own, so its S3 settings are kept).
     */
    public static void initialize(Map<String, String> flinkSettings) {
        String confDir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration configuration =
                confDir == null || confDir.isBlank() || !Files.isDirectory(Path.of(confDir))
                        ? new Configuration()
                        : GlobalConfiguration.loadConfiguration(confDir);
        for (Map.Entry<String, String> retry : OBJECT_STORAGE_RETRIES.entrySet()) {
            if (!configuration.containsKey(retry.getKey())) {
                configuration.setString(retry.getKey(), retry.getValue());
            }
        }
        configuration.addAll(Configuration.fromMap(flinkSettings));
        initialize(configuration, pluginsDir().orElse(null));
    }

    /**
     * As {@link #initialize(Map)}, with the plugins from {@code pluginsDir} (null: class path
     * only).
     */
    public static void initialize(Configuration configuration, Path pluginsDir) {
        PluginManager plugins =
                pluginsDir == null ? null : pluginManager(configuration, pluginsDir);
        FileSystem.initialize(configuration, plugins);
    }

    /** The plugins folder of this JVM, if there is one (see the class comment). */
    public static Optional<Path> pluginsDir() {
        String fromEnv = System.getenv(ConfigConstants.ENV_FLINK_PLUGINS_DIR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path dir = Path.of(fromEnv);
            return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
        }
        return besideCode(FileSystems.class, "plugins");
    }

    /**
     * A folder named {@code name} beside where {@code type} was loaded from: next to its jar or
     * classes folder, or one level up ({@code target/lib/x.jar} finds {@code target/name}).
     */
    public static Optional<Path> besideCode(Class<?> type, String name) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path code = Path.of(source.getLocation().toURI());
            for (Path dir :
                    List.of(code.resolveSibling(name), code.getParent().resolveSibling(name))) {
                if (Files.isDirectory(dir)) {
                    return Optional.of(dir);
                }
            }
            return Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static PluginManager pluginManager(Configuration configuration, Path pluginsDir) {
        try {
            Collection<PluginDescriptor> found =
                    new DirectoryBasedPluginFinder(pluginsDir).findPlugins();
            return new DefaultPluginManager(
                    found, CoreOptions.getPluginParentFirstLoaderPatterns(configuration));
        } catch (IOException e) {
            throw new FlowbundleException(
                    pluginsDir + ": cannot read the Flink plugins folder: " + e.getMessage(), e);
        }
    }
}
