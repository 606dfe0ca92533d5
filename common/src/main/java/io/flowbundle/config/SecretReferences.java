package io.flowbundle.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:PATH}} in one configuration value, so a password
 * is referenced from the environment or a mounted secret file instead of written into a spec. A
 * reference may be the whole value or part of it ({@code password="${env:KAFKA_PASSWORD}";} inside
 * a JAAS line); {@code $${} is a literal {@code ${}. Every value a reference yields is registered
 * with {@link Secrets}, so it is masked wherever it turns up later.
 *
 * <p>Errors name the variable or the file, never a value: the caller prefixes the file and key.
 */
final class SecretReferences {

    private static final String ESCAPE = "$${";
    private static final String START = "${";
    private static final String ENV = "env:";
    private static final String FILE = "file:";

    private final Function<String, String> environment;
    private final Path baseDir;

    /**
     * {@code baseDir} is the folder of the YAML file, against which {@code ${file:}} paths resolve.
     */
    SecretReferences(Function<String, String> environment, Path baseDir) {
        this.environment = environment;
        this.baseDir = baseDir;
    }

    /** True when {@code value} has anything to resolve or unescape. */
    static boolean mayContainReference(String value) {
        return value.contains(START);
    }

    /**
     * {@code value} with its references replaced; throws {@link IllegalArgumentException} to be
     * located.
     */
    String resolve(String value) {
        if (!mayContainReference(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith(ESCAPE, i)) {
                out.append(START);
                i += ESCAPE.length();
            } else if (value.startsWith(START, i)) {
                int end = value.indexOf('}', i + START.length());
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "a reference starting with '${' is not closed with '}'"
                                    + " (write $${ for a literal ${)");
                }
                String secret = lookUp(value.substring(i + START.length(), end));
                Secrets.register(secret);
                out.append(secret);
                i = end + 1;
            } else {
                out.append(value.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    private String lookUp(String reference) {
        if (reference.startsWith(ENV)) {
            String name = reference.substring(ENV.length()).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("${env:} names no environment variable");
            }
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(
                        "environment variable "
                                + name
                                + " (referenced as ${env:"
                                + name
                                + "}) is not set; set it, or write the value instead");
            }
            return value;
        }
        if (reference.startsWith(FILE)) {
            String name = reference.substring(FILE.length()).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("${file:} names no file");
            }
            return readFile(name);
        }
        throw new IllegalArgumentException(
                "unknown reference '${"
                        + reference
                        + "}': use ${env:NAME} or ${file:PATH}, or write $${ for a literal ${");
    }

    private String readFile(String name) {
        Path path = Path.of(name);
        Path resolved = path.isAbsolute() ? path.normalize() : baseDir.resolve(path).normalize();
        String problem;
        try {
            if (Files.isDirectory(resolved)) {
                problem = "is a folder, not a file";
            } else {
                return Files.readString(resolved).strip();
            }
        } catch (NoSuchFileException e) {
            problem = "does not exist";
        } catch (AccessDeniedException e) {
            problem = "cannot be read (permission denied)";
        } catch (CharacterCodingException e) {
            problem = "is not UTF-8 text";
        } catch (IOException e) {
            problem = "cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        throw new IllegalArgumentException(
                "file " + resolved + " (referenced as ${file:" + name + "}) " + problem);
    }
}
