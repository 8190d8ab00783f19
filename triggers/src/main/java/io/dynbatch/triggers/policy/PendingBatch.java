package io.dynbatch.triggers.policy;

/**
 * One key's pending batch as a batching policy sees it: how many elements, when the first one
 * arrived, the ingest time of the oldest one (the latency already spent upstream), their estimated
 * bytes, and the deadline (and the constraint behind it) of the timer currently armed for it.
 *
 * <p>State: a {@code long[]} of {@link #STATE_SIZE} ({@link #toArray}/{@link #fromArray}), so a
 * Flink trigger keeps it as one keyed value and the simulator uses the very same class. Mutable,
 * not thread-safe.
 */
public final class PendingBatch {

    /** Number of longs {@link #toArray} returns. */
    public static final int STATE_SIZE = 6;

    /** {@link #timerMillis()} when no timer is armed. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    private long count;
    private long firstArrivalMillis;
    private long oldestIngestMillis;
    private long bytes;
    private long timerMillis = NO_TIMER;
    private FlushPlan.Bound timerBound = FlushPlan.Bound.LATENCY;

    /** An empty batch. */
    public PendingBatch() {}

    /** A batch holding {@code count} elements, for tests and simulations. */
    public static PendingBatch of(long count, long firstArrivalMillis, long oldestIngestMillis, long bytes) {
        if (count < 0 || bytes < 0) {
            throw new IllegalArgumentException("count and bytes must be >= 0, got " + count + ", " + bytes);
        }
        PendingBatch b = new PendingBatch();
        b.count = count;
        b.firstArrivalMillis = firstArrivalMillis;
        b.oldestIngestMillis = oldestIngestMillis;
        b.bytes = bytes;
        return b;
    }

    /**
     * Adds {@code n} elements ingested at {@code ingestMillis} weighing {@code addedBytes} in total,
     * arriving at {@code nowMillis}. The first element of a batch sets its arrival time.
     */
    public void add(long n, long ingestMillis, long addedBytes, long nowMillis) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        if (count == 0) {
            firstArrivalMillis = nowMillis;
            oldestIngestMillis = ingestMillis;
        } else {
            oldestIngestMillis = Math.min(oldestIngestMillis, ingestMillis);
        }
        count += n;
        bytes += Math.max(0, addedBytes);
    }

    /** Forgets everything (after a flush). */
    public void reset() {
        count = 0;
        firstArrivalMillis = 0;
        oldestIngestMillis = 0;
        bytes = 0;
        timerMillis = NO_TIMER;
        timerBound = FlushPlan.Bound.LATENCY;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public long count() {
        return count;
    }

    public long firstArrivalMillis() {
        return firstArrivalMillis;
    }

    public long oldestIngestMillis() {
        return oldestIngestMillis;
    }

    public long bytes() {
        return bytes;
    }

    public long timerMillis() {
        return timerMillis;
    }

    public boolean hasTimer() {
        return timerMillis != NO_TIMER;
    }

    /** The constraint that set the armed timer's deadline. */
    public FlushPlan.Bound timerBound() {
        return timerBound;
    }

    /** Records that a timer is armed at {@code timerMillis} for a deadline set by {@code bound}. */
    public void setTimer(long timerMillis, FlushPlan.Bound bound) {
        this.timerMillis = timerMillis;
        this.timerBound = bound;
    }

    public long[] toArray() {
        return new long[] {count, firstArrivalMillis, oldestIngestMillis, bytes, timerMillis, timerBound.ordinal()};
    }

    /** The batch stored by {@link #toArray}; an empty batch for {@code null}. */
    public static PendingBatch fromArray(long[] state) {
        PendingBatch b = new PendingBatch();
        if (state != null) {
            if (state.length != STATE_SIZE) {
                throw new IllegalArgumentException("expected " + STATE_SIZE + " longs, got " + state.length);
            }
            b.count = state[0];
            b.firstArrivalMillis = state[1];
            b.oldestIngestMillis = state[2];
            b.bytes = state[3];
            b.timerMillis = state[4];
            b.timerBound = FlushPlan.Bound.values()[(int) state[5]];
        }
        return b;
    }

    @Override
    public String toString() {
        return "PendingBatch(count=" + count + ", firstArrival=" + firstArrivalMillis + ", oldestIngest="
                + oldestIngestMillis + ", bytes=" + bytes + ", timer=" + (hasTimer() ? timerMillis + " (" + timerBound + ")" : "none") + ")";
    }
}
