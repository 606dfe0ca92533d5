package io.flowbundle.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's checkout as tests see it, so they read the real {@code conf/} files (contracts,
 * pipelines, SQL) instead of restating them. Tests run with a module folder as working directory;
 * the pom also passes the Maven project folder as {@code flowbundle.checkout}.
 */
public final class Checkout {

    private Checkout() {}

    /** The folder holding the root {@code pom.xml} and {@code conf/}. */
    public static Path root() {
        String given = System.getProperty("flowbundle.checkout", "");
        Path start =
                Path.of(given.isBlank() ? System.getProperty("user.dir") : given)
                        .toAbsolutePath()
                        .normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("conf/contracts"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no checkout (pom.xml and conf/contracts) at or above " + start);
    }

    /** The checkout's {@code conf/} folder. */
    public static Path conf() {
        return root().resolve("conf");
    }

    /** A file of the checkout's {@code conf/}, e.g. {@code contracts/sensor_events.yaml}. */
    public static Path conf(String relative) {
        return conf().resolve(relative);
    }
}
