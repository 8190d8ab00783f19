package io.dynbatch.job.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Bounded exponential backoff with jitter: attempt {@code n} (1-based) waits {@code min(maxDelay,
 * baseDelay * 2^(n-1))}, scaled by a random factor in {@code [0.5, 1.0)} so that retrying
 * subtasks do not hit a recovering database in lock step. Retries end after {@code maxAttempts}
 * attempts or once the database has been failing for the outage limit, whichever comes first. Pure:
 * the random source and the elapsed time are the caller's. It also carries the settings of the
 * writer's {@link CircuitBreaker} ({@link #newCircuitBreaker}): by default it opens after 3
 * consecutive failures, for 1 s doubling up to 15 s.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxAttempts;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final long outageLimitMillis;
    private final int breakerFailures;
    private final long breakerOpenMillis;
    private final long breakerMaxOpenMillis;

    /** Consecutive failures that open the circuit breaker, by default. */
    public static final int DEFAULT_BREAKER_FAILURES = 3;
    /** The breaker's first open period, by default; it doubles while probes fail. */
    public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(1);
    /** The breaker's longest open period, by default. */
    public static final Duration DEFAULT_BREAKER_MAX_OPEN = Duration.ofSeconds(15);
    /** The job's first backoff, by default; it doubles with each failed attempt. */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(100);
    /** The job's longest backoff, by default. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(5);

    /** A policy bounded by attempts only. */
    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this(maxAttempts, baseDelay, maxDelay, null, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_OPEN.toMillis(),
                DEFAULT_BREAKER_MAX_OPEN.toMillis());
    }

    private RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration outageLimit,
            int breakerFailures, long breakerOpenMillis, long breakerMaxOpenMillis) {
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
        if (breakerFailures < 1 || breakerOpenMillis < 0 || breakerMaxOpenMillis < breakerOpenMillis) {
            throw new IllegalArgumentException("need breaker failures >= 1 and 0 <= open <= max open");
        }
        this.breakerFailures = breakerFailures;
        this.breakerOpenMillis = breakerOpenMillis;
        this.breakerMaxOpenMillis = breakerMaxOpenMillis;
    }

    /**
     * The job's policy: 100 ms doubling up to 5 s between attempts, as many attempts as fit in
     * {@code outageLimit} of failing (counted from the first failure after the last success).
     */
    public static RetryPolicy forOutagesUpTo(Duration outageLimit) {
        return forOutagesUpTo(outageLimit, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
    }

    /**
     * {@code baseDelay} doubling up to {@code maxDelay} between attempts, as many attempts as fit in
     * {@code outageLimit} of failing.
     */
    public static RetryPolicy forOutagesUpTo(Duration outageLimit, Duration baseDelay, Duration maxDelay) {
        return new RetryPolicy(Integer.MAX_VALUE, baseDelay, maxDelay, outageLimit, DEFAULT_BREAKER_FAILURES,
                DEFAULT_BREAKER_OPEN.toMillis(), DEFAULT_BREAKER_MAX_OPEN.toMillis());
    }

    /**
     * This policy with another circuit breaker: it opens after {@code failures} consecutive failures,
     * for {@code open}, doubling up to {@code maxOpen} while probes fail.
     */
    public RetryPolicy withCircuitBreaker(int failures, Duration open, Duration maxOpen) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(baseDelayMillis), Duration.ofMillis(maxDelayMillis),
                outageLimitMillis == Long.MAX_VALUE ? null : Duration.ofMillis(outageLimitMillis), failures,
                open.toMillis(), maxOpen.toMillis());
    }

    /** A new circuit breaker with this policy's settings (one per writer: breakers are not thread-safe). */
    public CircuitBreaker newCircuitBreaker(LongSupplier clock) {
        return new CircuitBreaker(breakerFailures, breakerOpenMillis, breakerMaxOpenMillis, clock);
    }

    /**
     * 8 attempts, 100 ms doubling up to 5 s: about 15 s of backoff, about 30 s with a circuit
     * breaker's open periods in between. For tests and benchmarks; the job uses {@link
     * #forOutagesUpTo}.
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
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
                + (outageLimitMillis == Long.MAX_VALUE ? "none" : outageLimitMillis + "ms") + ", breaker="
                + breakerFailures + " failures, open " + breakerOpenMillis + "-" + breakerMaxOpenMillis + "ms)";
    }
}
