package io.flowbundle.schedule;

import io.flowbundle.config.ConfigNode;
import java.time.Duration;

/**
 * How often and how patiently a step is retried: attempt n waits {@code min(initialBackoff *
 * multiplier^(n-2), maxBackoff)} after attempt n-1 failed.
 */
public record RetryPolicy(
        int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5));
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be 1 or more");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be 1 or more");
        }
    }

    /** The wait before {@code attempt} (2 = the first retry). */
    public Duration backoffBefore(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 2));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }

    public RetryPolicy withMaxAttempts(int value) {
        return new RetryPolicy(value, initialBackoff, multiplier, maxBackoff);
    }

    public RetryPolicy withInitialBackoff(Duration value) {
        return new RetryPolicy(maxAttempts, value, multiplier, maxBackoff);
    }

    /**
     * {@code retries: {max_attempts: 3, initial_backoff: 10s, multiplier: 2, max_backoff: 5min}}
     */
    static RetryPolicy parse(ConfigNode node, RetryPolicy base) {
        node.allowOnly("max_attempts", "initial_backoff", "multiplier", "max_backoff");
        try {
            return new RetryPolicy(
                    node.intValue("max_attempts", base.maxAttempts()),
                    node.duration("initial_backoff", base.initialBackoff()),
                    node.has("multiplier")
                            ? node.get("multiplier").doubleValue()
                            : base.multiplier(),
                    node.duration("max_backoff", base.maxBackoff()));
        } catch (IllegalArgumentException e) {
            throw node.error(node.keyPath() + ": " + e.getMessage());
        }
    }
}
