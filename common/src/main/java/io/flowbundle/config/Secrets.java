package io.flowbundle.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * Which settings are secret and what their values are, so that no password, token or JAAS line
 * reaches a log, an error message, the audit log or a lineage event.
 *
 * <p>Two rules work together. A key is sensitive by its name ({@link #isSensitiveKey}): Flink's own
 * rule plus Kafka's credential settings. A value is secret when it came from a {@code ${env:...}}
 * or {@code ${file:...}} reference or was set under a sensitive key; such values are registered
 * here once, at load time, and {@link #redact} masks them wherever they turn up later (an exception
 * message that quotes a client property, a log line), whatever key they travelled under.
 */
public final class Secrets {

    /**
     * What a secret is replaced with (as Flink masks its own): never its length or any part of it.
     */
    public static final String MASK = GlobalConfiguration.HIDDEN_CONTENT;

    /**
     * Shorter values are not registered: masking every "1" or "on" in every log line would garble
     * the logs and protect nothing (a value that short cannot be a real secret). Values of
     * sensitive keys are still masked in {@link #redactedView} whatever their length.
     */
    static final int MIN_REGISTERED_LENGTH = 4;

    private static final String[] SENSITIVE_WORDS = {"password", "secret", "token", "credentials"};

    /** Longest first, so a value that contains another registered value is masked whole. */
    private static volatile List<String> registered = List.of();

    private Secrets() {}

    /**
     * True for keys whose values are credentials: Flink's {@link GlobalConfiguration#isSensitive}
     * (password, secret, token, jaas.config, api keys, ...), Kafka's {@code sasl.jaas.config} and
     * {@code ssl.*password}, and any key containing password, secret, token or credentials, without
     * case. A Kafka connector asks this of each client property it records or prints.
     */
    public static boolean isSensitiveKey(String key) {
        if (key == null) {
            return false;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        // ssl.key/keystore/truststore.password are covered by "password" below
        if (GlobalConfiguration.isSensitive(lower) || lower.endsWith("sasl.jaas.config")) {
            return true;
        }
        for (String word : SENSITIVE_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers {@code value} as secret for {@link #redact}; blank and very short values are
     * ignored.
     */
    public static void register(String value) {
        if (value == null) {
            return;
        }
        add(value.strip());
    }

    private static synchronized void add(String secret) {
        if (secret.length() < MIN_REGISTERED_LENGTH || registered.contains(secret)) {
            return;
        }
        List<String> next = new ArrayList<>(registered);
        next.add(secret);
        next.sort(Comparator.comparingInt(String::length).reversed());
        registered = List.copyOf(next);
    }

    /** Registers the value when {@code key} is sensitive; returns the value unchanged. */
    public static String registerIfSensitive(String key, String value) {
        if (isSensitiveKey(key)) {
            register(value);
        }
        return value;
    }

    /**
     * {@code text} with every registered secret value replaced by {@link #MASK}; null stays null.
     */
    public static String redact(String text) {
        List<String> secrets = registered;
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /**
     * The settings as they may be recorded (audit, lineage, "which properties were set"): every key
     * kept in order, the value of a sensitive key replaced by {@link #MASK}, any registered secret
     * inside another value masked too.
     */
    public static Map<String, String> redactedView(Map<String, ?> settings) {
        Map<String, String> view = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : settings.entrySet()) {
            Object value = entry.getValue();
            String text = value == null ? null : String.valueOf(value);
            view.put(
                    entry.getKey(),
                    isSensitiveKey(entry.getKey()) && text != null ? MASK : redact(text));
        }
        return view;
    }
}
