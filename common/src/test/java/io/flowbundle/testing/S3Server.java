package io.flowbundle.testing;

import io.flowbundle.fs.FileSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3 server on 127.0.0.1 (a free port), S3Proxy with jclouds' filesystem blob store under a
 * temp folder: a bucket is a folder and an object a plain file at {@code DIR/BUCKET/KEY}, so a test
 * can read what a job wrote with DuckDB. Access key and secret are new for every run.
 *
 * <p>S3Proxy runs in this JVM but in a class loader of its own, from its one-jar build ({@code
 * target/s3proxy/s3proxy.jar}, copied there by common's pom): that jar carries unrelocated Guava
 * 33, Logback, Netty, Jackson and the AWS SDK, which would otherwise mix with Flink's and Hadoop's
 * on the test class path (two SLF4J bindings to begin with). The few calls to it go through
 * reflection for the same reason.
 *
 * <pre>{@code @RegisterExtension static final S3Server S3 = new S3Server();}</pre>
 */
public final class S3Server implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final String REGION = "us-east-1";

    private final String accessKey = randomKey("AK", 18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private final String secretKey =
            randomKey("", 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private Path root;
    private Path blobs;
    private URLClassLoader loader;
    private Object proxy;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts the server (the extension does this before the class's tests). */
    public S3Server start() {
        try {
            root = Files.createTempDirectory("s3server-");
            blobs = Files.createDirectories(root.resolve("blobs"));
            Path logConfig = Files.createDirectories(root.resolve("logconf"));
            // logback-test.xml wins over the logback.xml inside the jar: warnings only, to stderr
            Files.writeString(
                    logConfig.resolve("logback-test.xml"),
                    "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                            + "<target>System.err</target><encoder><pattern>s3proxy %level %logger{20}: %msg%n"
                            + "</pattern></encoder></appender><root level=\"WARN\"><appender-ref ref=\"E\"/>"
                            + "</root></configuration>");
            loader =
                    new URLClassLoader(
                            "s3proxy",
                            new URL[] {logConfig.toUri().toURL(), s3ProxyJar().toUri().toURL()},
                            ClassLoader.getPlatformClassLoader());
            withLoader(() -> startProxy(0));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops answering, as an object store that went down: the port refuses connections; the blobs
     * stay.
     */
    public void stop() {
        withLoader(() -> proxy.getClass().getMethod("stop").invoke(proxy));
        proxy = null;
    }

    /** Answers again after {@link #stop()}, on the same port with the same blobs and keys. */
    public void restart() {
        withLoader(() -> startProxy(port));
    }

    private void startProxy(int onPort) throws Exception {
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", blobs.toString());
        Class<?> contextBuilder = loader.loadClass("org.jclouds.ContextBuilder");
        Object builder =
                contextBuilder.getMethod("newBuilder", String.class).invoke(null, "filesystem");
        builder =
                contextBuilder.getMethod("overrides", Properties.class).invoke(builder, overrides);
        Class<?> contextType = loader.loadClass("org.jclouds.blobstore.BlobStoreContext");
        Object context =
                contextBuilder.getMethod("build", Class.class).invoke(builder, contextType);
        Object blobStore = contextType.getMethod("getBlobStore").invoke(context);

        Class<?> s3Proxy = loader.loadClass("org.gaul.s3proxy.S3Proxy");
        Class<?> proxyBuilder = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
        Class<?> authType = loader.loadClass("org.gaul.s3proxy.AuthenticationType");
        Object b = s3Proxy.getMethod("builder").invoke(null);
        b =
                proxyBuilder
                        .getMethod("blobStore", loader.loadClass("org.jclouds.blobstore.BlobStore"))
                        .invoke(b, blobStore);
        b =
                proxyBuilder
                        .getMethod("endpoint", URI.class)
                        .invoke(b, URI.create("http://127.0.0.1:" + onPort));
        b =
                proxyBuilder
                        .getMethod("awsAuthentication", authType, String.class, String.class)
                        .invoke(
                                b,
                                authType.getField("AWS_V2_OR_V4").get(null),
                                accessKey,
                                secretKey);
        proxy = proxyBuilder.getMethod("build").invoke(b);
        s3Proxy.getMethod("start").invoke(proxy);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(s3Proxy.getMethod("getState").invoke(proxy))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start within 30 s");
            }
            Thread.sleep(20);
        }
        port = (Integer) s3Proxy.getMethod("getPort").invoke(proxy);
    }

    /** Stops the server and deletes its blobs. */
    @Override
    public void close() {
        try {
            if (proxy != null) {
                withLoader(() -> proxy.getClass().getMethod("stop").invoke(proxy));
                proxy = null;
            }
            if (loader != null) {
                loader.close();
                loader = null;
            }
            if (root != null) {
                try (Stream<Path> paths = Files.walk(root)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Creates bucket {@code name} (a folder of the filesystem blob store) and returns it. */
    public String createBucket(String name) {
        try {
            Files.createDirectories(blobs.resolve(name));
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plain file holding object {@code key} of {@code bucket} (or the folder of a prefix). */
    public Path objectFile(String bucket, String key) {
        return blobs.resolve(bucket).resolve(key);
    }

    /**
     * The Flink options that reach this server and nothing else: endpoint, path-style access, the
     * static credentials only (no environment, profile or instance-metadata lookups), a fixed
     * region (no region lookup), directory markers kept, and bounded retries and timeouts (see
     * {@link #failFast}).
     */
    public Map<String, String> flinkConfig() {
        return flinkConfig(endpoint(), accessKey, secretKey);
    }

    /** The same options for any endpoint and credentials (for the error cases). */
    public static Map<String, String> flinkConfig(
            String endpoint, String accessKey, String secretKey) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("s3.endpoint", endpoint);
        conf.put("s3.path.style.access", "true");
        conf.put("s3.access-key", accessKey);
        conf.put("s3.secret-key", secretKey);
        conf.put("fs.s3a.endpoint.region", REGION);
        conf.put(
                "fs.s3a.aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        // S3A (Hadoop 3.3.4) otherwise deletes the parents' directory markers after every write: a
        // multi-object DELETE that jclouds' filesystem store answers after ~10 s of retries (a
        // folder
        // is not a file there); on real S3 it is a wasted request per file
        conf.put("fs.s3a.directory.marker.retention", "keep");
        conf.putAll(failFast());
        return conf;
    }

    /** Retries and timeouts that turn a dead endpoint into an error within seconds, not minutes. */
    public static Map<String, String> failFast() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("fs.s3a.attempts.maximum", "0");
        conf.put("fs.s3a.retry.limit", "1");
        conf.put("fs.s3a.retry.interval", "100ms");
        conf.put("fs.s3a.retry.throttle.limit", "1");
        conf.put("fs.s3a.connection.establish.timeout", "2000");
        conf.put("fs.s3a.connection.timeout", "5000");
        return conf;
    }

    private static Path s3ProxyJar() {
        return FileSystems.besideCode(S3Server.class, "s3proxy")
                .map(dir -> dir.resolve("s3proxy.jar"))
                .filter(Files::isRegularFile)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "s3proxy.jar not found beside the test classes (common/target/s3proxy/):"
                                                + " build common with Maven first (mvn -pl common -am test-compile)"));
    }

    private interface Call {
        void run() throws Exception;
    }

    /** jclouds finds its providers and Guice modules through the thread's context class loader. */
    private void withLoader(Call call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            call.run();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("S3Proxy: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String randomKey(String prefix, int length, String alphabet) {
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder(prefix);
        while (key.length() < length) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }
}
