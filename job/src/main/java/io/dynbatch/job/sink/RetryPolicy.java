package io.dynbatch.job.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential backoff with jitter: attempt {@code n} (1-based) waits {@code min(maxDelay,
 * baseDelay * 2^(n-1))}, scaled by a random factor in {@code [0.5, 1.0)} so that retrying
 * subtasks do not hit a recovering database in lock step. Pure: the random source is injected.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxAttempts;
    private final long baseDelayMillis;
    private final long maxDelayMillis;

    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelayMillis = baseDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
    }

    /** 8 attempts, 100 ms doubling up to 5 s: rides out a database restart of ~15 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether another attempt may follow failed attempt number {@code attempt}. */
    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based). */
    public long delayAfterAttemptMillis(int attempt, DoubleSupplier random) {
        int shift = Math.min(attempt - 1, 30);
        long exp = Math.min(maxDelayMillis, baseDelayMillis << shift);
        return (long) (exp * (0.5 + 0.5 * random.getAsDouble()));
    }

    @Override
    public String toString() {
        return "RetryPolicy(maxAttempts=" + maxAttempts + ", base=" + baseDelayMillis + "ms, max=" + maxDelayMillis + "ms)";
    }
}
