package io.dynbatch.job.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential backoff with jitter: attempt {@code n} (1-based) waits {@code min(maxDelay,
 * baseDelay * 2^(n-1))}, scaled by a random factor in {@code [0.5, 1.0)} so that retrying
 * subtasks do not hit a recovering database in lock step. Retries end after {@code maxAttempts}
 * attempts or once the database has been failing for the outage limit, whichever comes first. Pure:
 * the random source and the elapsed time are the caller's.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxAttempts;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final long outageLimitMillis;

    /** A policy bounded by attempts only. */
    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this(maxAttempts, baseDelay, maxDelay, null);
    }

    private RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration outageLimit) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelayMillis = baseDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
        if (outageLimit != null && outageLimit.isNegative()) {
            throw new IllegalArgumentException("the outage limit must be >= 0");
        }
        this.outageLimitMillis = outageLimit == null ? Long.MAX_VALUE : outageLimit.toMillis();
    }

    /**
     * The job's policy: 100 ms doubling up to 5 s between attempts, as many attempts as fit in
     * {@code outageLimit} of failing (counted from the first failure after the last success).
     */
    public static RetryPolicy forOutagesUpTo(Duration outageLimit) {
        return new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(100), Duration.ofSeconds(5), outageLimit);
    }

    /**
     * 8 attempts, 100 ms doubling up to 5 s: about 15 s of backoff, about 30 s with a circuit
     * breaker's open periods in between. For tests and benchmarks; the job uses {@link
     * #forOutagesUpTo}.
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** How long the database may keep failing before a write gives up (Long.MAX_VALUE: no limit). */
    public long outageLimitMillis() {
        return outageLimitMillis;
    }

    /** Whether another attempt may follow failed attempt number {@code attempt}. */
    public boolean mayRetryAfter(int attempt) {
        return mayRetryAfter(attempt, 0);
    }

    /**
     * Whether another attempt may follow failed attempt number {@code attempt} when the database has
     * been failing for {@code failingForMillis}.
     */
    public boolean mayRetryAfter(int attempt, long failingForMillis) {
        return attempt < maxAttempts && failingForMillis < outageLimitMillis;
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based). */
    public long delayAfterAttemptMillis(int attempt, DoubleSupplier random) {
        int shift = Math.min(attempt - 1, 30);
        long exp = Math.min(maxDelayMillis, baseDelayMillis << shift);
        return (long) (exp * (0.5 + 0.5 * random.getAsDouble()));
    }

    @Override
    public String toString() {
        return "RetryPolicy(maxAttempts=" + (maxAttempts == Integer.MAX_VALUE ? "unbounded" : maxAttempts) + ", base="
                + baseDelayMillis + "ms, max=" + maxDelayMillis + "ms, outageLimit="
                + (outageLimitMillis == Long.MAX_VALUE ? "none" : outageLimitMillis + "ms") + ")";
    }
}
