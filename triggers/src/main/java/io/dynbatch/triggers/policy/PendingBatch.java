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

    /** {@code Bound.values()} clones its array on every call; the state codec runs per element. */
    private static final FlushPlan.Bound[] BOUNDS = FlushPlan.Bound.values();

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

    /**
     * Writes the state {@link #toArray} returns into {@code out[offset .. offset + STATE_SIZE)}, so
     * that a caller can keep it in a larger array of its own without allocating per update.
     */
    public void writeTo(long[] out, int offset) {
        out[offset] = count;
        out[offset + 1] = firstArrivalMillis;
        out[offset + 2] = oldestIngestMillis;
        out[offset + 3] = bytes;
        out[offset + 4] = timerMillis;
        out[offset + 5] = timerBound.ordinal();
    }

    /**
     * Sets this batch to the state {@link #writeTo(long[], int)} wrote at {@code offset}, or empties
     * it for {@code null} (as {@link #fromArray}, without allocating).
     *
     * @throws IllegalArgumentException if {@code state} is too short to hold a batch at {@code offset}
     */
    public void readFrom(long[] state, int offset) {
        if (state == null) {
            reset();
            return;
        }
        if (offset < 0 || state.length < offset + STATE_SIZE) {
            throw new IllegalArgumentException("expected " + STATE_SIZE + " longs at " + offset + ", got " + state.length);
        }
        count = state[offset];
        firstArrivalMillis = state[offset + 1];
        oldestIngestMillis = state[offset + 2];
        bytes = state[offset + 3];
        timerMillis = state[offset + 4];
        timerBound = BOUNDS[(int) state[offset + 5]];
    }

    /** The batch stored by {@link #toArray}; an empty batch for {@code null}. */
    public static PendingBatch fromArray(long[] state) {
        if (state != null && state.length != STATE_SIZE) {
            throw new IllegalArgumentException("expected " + STATE_SIZE + " longs, got " + state.length);
        }
        PendingBatch b = new PendingBatch();
        b.readFrom(state, 0);
        return b;
    }

    @Override
    public String toString() {
        return "PendingBatch(count=" + count + ", firstArrival=" + firstArrivalMillis + ", oldestIngest="
                + oldestIngestMillis + ", bytes=" + bytes + ", timer=" + (hasTimer() ? timerMillis + " (" + timerBound + ")" : "none") + ")";
    }
}
