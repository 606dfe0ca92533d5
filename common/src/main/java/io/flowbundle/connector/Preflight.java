package io.flowbundle.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a run checks before it builds a job: each connector of the spec adds what it needs checked
 * ({@link io.flowbundle.spec.SourceSpec#preflight}), grouped so that one check serves every
 * connector that shares it (one Admin client per Kafka cluster); then {@link #run} runs the checks
 * in the order they were first asked for, and a check that cannot pass throws.
 */
public final class Preflight {

    /** One check, run once for the whole spec. */
    public interface Check {
        void run(Path specFile);
    }

    /** How long a server has to answer a check, unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Map<Object, Check> checks = new LinkedHashMap<>();
    private final Duration timeout;

    public Preflight(Duration timeout) {
        this.timeout = timeout;
    }

    /** How long a server has to answer. */
    public Duration timeout() {
        return timeout;
    }

    /** The check registered under {@code key}, created by {@code create} the first time. */
    @SuppressWarnings("unchecked")
    public <C extends Check> C check(Object key, Supplier<C> create) {
        return (C) checks.computeIfAbsent(key, k -> create.get());
    }

    /** The checks, in the order they were first asked for. */
    public List<Check> checks() {
        return List.copyOf(checks.values());
    }

    public void run(Path specFile) {
        for (Check check : checks.values()) {
            check.run(specFile);
        }
    }
}
