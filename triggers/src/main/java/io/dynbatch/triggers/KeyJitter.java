package io.dynbatch.triggers;

import org.apache.flink.api.java.functions.KeySelector;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Deterministic per-key timer jitter: the same key always gets the same offset in {@code [0,
 * maxJitter]}, and different keys are spread evenly over that range, so that batches of many keys
 * started at the same moment do not all flush in the same millisecond.
 *
 * <p>The offset is derived from the key's {@code hashCode()} through a 64-bit mixer, so it is
 * stable across restarts and JVMs as long as the key's {@code hashCode()} is (true for {@code
 * String}, boxed numbers and enums-by-name keys are not stable: key by a String or number).
 *
 * @param <T> element type
 */
public final class KeyJitter<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long maxJitterMillis;
    private final KeySelector<T, ?> keyOf;
    /** Non-zero: not a spread but an alignment, timers rounded down to multiples of this. */
    private final long gridMillis;
    /** Aligned only: a timer joins a round already planned up to this much before it. */
    private final long joinMillis;

    /** Aligned with a join window: the rounds the keys of this instance (one operator subtask) planned. */
    private transient TimerRounds rounds;

    private KeyJitter(long maxJitterMillis, KeySelector<T, ?> keyOf) {
        this(maxJitterMillis, keyOf, 0, 0);
    }

    private KeyJitter(long maxJitterMillis, KeySelector<T, ?> keyOf, long gridMillis, long joinMillis) {
        this.maxJitterMillis = maxJitterMillis;
        this.keyOf = keyOf;
        this.gridMillis = gridMillis;
        this.joinMillis = joinMillis;
    }

    /**
     * The opposite of a spread: every key's timer is rounded down to a multiple of {@code grid}, so
     * that keys whose deadlines fall in the same grid cell fire in the same timer round (for a
     * committer that writes what fires together in one transaction). A timer fires up to {@code
     * grid} early, never late.
     *
     * @throws IllegalArgumentException if {@code grid} is not positive
     */
    public static <T> KeyJitter<T> alignedTo(Duration grid) {
        return alignedTo(grid, Duration.ZERO);
    }

    /**
     * Aligned to {@code grid}, and joining: a timer whose aligned time is at most {@code join} after
     * a round another key of the same operator subtask already planned (and that is still ahead)
     * is set for that round instead, so the keys' batches fire, and commit, together rather than in
     * rounds of their own a little apart. A timer fires up to {@code grid + join} early (never before
     * it is set), never late; a trigger checks only the grid against its {@code maxDelay}.
     * The rounds are kept per trigger instance (one per operator subtask), not checkpointed.
     *
     * @throws IllegalArgumentException if {@code grid} is not positive or {@code join} is negative
     */
    public static <T> KeyJitter<T> alignedTo(Duration grid, Duration join) {
        if (Objects.requireNonNull(grid, "grid").isNegative() || grid.isZero()) {
            throw new IllegalArgumentException("grid must be > 0, got " + grid);
        }
        if (Objects.requireNonNull(join, "join").isNegative()) {
            throw new IllegalArgumentException("join must be >= 0, got " + join);
        }
        // the maximum jitter is the grid alone: joining never fires a timer before it is set
        return new KeyJitter<>(grid.toMillis(), null, grid.toMillis(), join.toMillis());
    }

    /**
     * When to set the timer of {@code element}'s key for {@code deadline}, at {@code nowMillis}:
     * earlier by its offset, or aligned (and joined).
     */
    public long timerFor(long deadline, T element, long nowMillis) throws Exception {
        return timerAt(deadline, offsetMillis(element), nowMillis);
    }

    /**
     * When to set a timer for {@code deadline} at {@code nowMillis}, given the key's {@link
     * #offsetMillis} (0 when aligned): never after the deadline.
     */
    public long timerAt(long deadline, long keyOffsetMillis, long nowMillis) {
        if (gridMillis == 0) {
            return deadline - keyOffsetMillis;
        }
        long aligned = Math.floorDiv(deadline, gridMillis) * gridMillis;
        if (joinMillis == 0) {
            return aligned;
        }
        if (rounds == null) {
            rounds = new TimerRounds();
        }
        return rounds.join(aligned, joinMillis, nowMillis);
    }

    /** No jitter: every key gets offset 0. */
    public static <T> KeyJitter<T> none() {
        return new KeyJitter<>(0, null);
    }

    /**
     * Jitter of up to {@code maxJitter}, keyed by {@code keyOf} (use the same selector as the
     * stream's {@code keyBy}).
     *
     * @throws IllegalArgumentException if {@code maxJitter} is negative
     */
    public static <T> KeyJitter<T> upTo(Duration maxJitter, KeySelector<T, ?> keyOf) {
        Objects.requireNonNull(maxJitter, "maxJitter");
        Objects.requireNonNull(keyOf, "keyOf");
        if (maxJitter.isNegative()) {
            throw new IllegalArgumentException("maxJitter must be >= 0, got " + maxJitter);
        }
        return new KeyJitter<>(maxJitter.toMillis(), keyOf);
    }

    public long maxJitterMillis() {
        return maxJitterMillis;
    }

    /**
     * This jitter, checked against the {@code maxDelay} of a trigger it is given to.
     *
     * @throws IllegalArgumentException if it is larger than {@code maxDelayMillis}
     */
    KeyJitter<T> requireAtMost(long maxDelayMillis) {
        if (maxJitterMillis > maxDelayMillis) {
            throw new IllegalArgumentException(
                    "jitter (" + maxJitterMillis + " ms) must not exceed maxDelay (" + maxDelayMillis + " ms)");
        }
        return this;
    }

    /** The offset in milliseconds for the key of {@code element}, in {@code [0, maxJitter]}. */
    public long offsetMillis(T element) throws Exception {
        if (maxJitterMillis == 0 || gridMillis > 0) {
            return 0;
        }
        Object key = keyOf.getKey(element);
        return Math.floorMod(mix(key == null ? 0 : key.hashCode()), maxJitterMillis + 1);
    }

    /** SplitMix64 finaliser: spreads consecutive hash codes over the whole long range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return gridMillis > 0 ? "alignedTo(" + gridMillis + "ms" + (joinMillis > 0 ? ", join " + joinMillis + "ms)" : ")")
                : maxJitterMillis == 0 ? "none" : "upTo(" + maxJitterMillis + "ms)";
    }
}
