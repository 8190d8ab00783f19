package io.dynbatch.job.sink;

import java.util.function.LongSupplier;

/**
 * Stops hammering a database that keeps failing. CLOSED: calls go through; after {@code
 * failureThreshold} consecutive failures it OPENs for {@code openMillis} (no calls), then lets one
 * probe through (HALF_OPEN): success closes it, failure opens it again for twice as long (up to
 * {@code maxOpenMillis}). Pure: the clock is injected. Not thread-safe (one per writer thread).
 */
public final class CircuitBreaker {

    /** The breaker's state; {@link #code()} is the value of the {@code circuitBreakerState} gauge. */
    public enum State {
        CLOSED(0), HALF_OPEN(1), OPEN(2);

        private final int code;

        State(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final int failureThreshold;
    private final long baseOpenMillis;
    private final long maxOpenMillis;
    private final LongSupplier clock;

    private int consecutiveFailures;
    private long openUntil;
    private long currentOpenMillis;
    private boolean open;
    private long opened;

    public CircuitBreaker(int failureThreshold, long openMillis, long maxOpenMillis, LongSupplier clock) {
        if (failureThreshold < 1 || openMillis < 0 || maxOpenMillis < openMillis) {
            throw new IllegalArgumentException("need failureThreshold >= 1 and 0 <= openMillis <= maxOpenMillis");
        }
        this.failureThreshold = failureThreshold;
        this.baseOpenMillis = openMillis;
        this.maxOpenMillis = maxOpenMillis;
        this.currentOpenMillis = openMillis;
        this.clock = clock;
    }

    public State state() {
        if (!open) {
            return State.CLOSED;
        }
        return clock.getAsLong() >= openUntil ? State.HALF_OPEN : State.OPEN;
    }

    /** How long a caller must wait before its next call may go through (0 if now). */
    public long millisUntilCallAllowed() {
        return open ? Math.max(0, openUntil - clock.getAsLong()) : 0;
    }

    public void onSuccess() {
        consecutiveFailures = 0;
        open = false;
        currentOpenMillis = baseOpenMillis;
    }

    public void onFailure() {
        consecutiveFailures++;
        if (open) { // the half-open probe failed: back off further
            currentOpenMillis = Math.min(maxOpenMillis, currentOpenMillis * 2);
            trip();
        } else if (consecutiveFailures >= failureThreshold) {
            trip();
        }
    }

    private void trip() {
        open = true;
        opened++;
        openUntil = clock.getAsLong() + currentOpenMillis;
    }

    /** How many times the breaker has opened. */
    public long timesOpened() {
        return opened;
    }
}
