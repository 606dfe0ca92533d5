package io.flowbundle.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A private copy of the sample configuration ({@code conf/} of the project, kept under {@code
 * src/test/resources/fixtures/conf}) in a temporary folder, so tests can load it as written or edit
 * one line of it and load it again.
 */
public final class ConfFixture {

    private final Path root;

    private ConfFixture(Path root) {
        this.root = root;
    }

    /** Copies the fixture tree into {@code tempDir/conf}. */
    public static ConfFixture copyTo(Path tempDir) {
        Path target = tempDir.resolve("conf");
        try {
            URL url = ConfFixture.class.getResource("/fixtures/conf");
            if (url == null) {
                throw new IllegalStateException("fixtures/conf is not on the test class path");
            }
            Path source = Path.of(url.toURI());
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path from : (Iterable<Path>) walk::iterator) {
                    Path to = target.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new ConfFixture(target.toAbsolutePath().normalize());
    }

    /**
     * A fixture file read in place (for tests that only read it), e.g. {@code
     * contracts/sensor_events.yaml}.
     */
    public static Path inPlace(String relative) {
        URL url = ConfFixture.class.getResource("/fixtures/conf/" + relative);
        if (url == null) {
            throw new IllegalStateException(
                    "fixtures/conf/" + relative + " is not on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code conf} folder. */
    public Path root() {
        return root;
    }

    public Path contract(String name) {
        return root.resolve("contracts").resolve(name + ".yaml");
    }

    public Path pipeline(String name) {
        return root.resolve("pipelines").resolve(name + ".yaml");
    }

    public Path runtimeConfig() {
        return root.resolve("flowbundle.yaml");
    }

    public Path sql(String name) {
        return root.resolve("sql").resolve(name + ".sql");
    }

    /**
     * Replaces the one occurrence of {@code from} in {@code file} with {@code to}; fails if the
     * text is not there exactly once (so a changed fixture cannot silently turn an edit into a
     * no-op).
     */
    public static Path edit(Path file, String from, String to) {
        String text = read(file);
        int first = text.indexOf(from);
        assertThat(first).as("'%s' occurs in %s", from, file).isGreaterThanOrEqualTo(0);
        assertThat(text.indexOf(from, first + 1))
                .as("'%s' occurs only once in %s", from, file)
                .isEqualTo(-1);
        write(file, text.substring(0, first) + to + text.substring(first + from.length()));
        return file;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
