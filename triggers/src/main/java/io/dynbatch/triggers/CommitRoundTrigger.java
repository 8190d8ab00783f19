package io.dynbatch.triggers;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

import java.time.Duration;
import java.util.Objects;

/**
 * Adds commit rounds to a batching trigger, for a committer that writes what the keys of one
 * operator subtask fire together in one transaction: when some key's own flush timer comes due,
 * every key of the subtask with a pending batch flushes with it: the due keys for their own reason
 * (as their own timers would), the others with reason {@link FlushReason#ROUND} ({@link
 * FlushOnRequest#flushInRound}). So the subtask's keys share one cycle, set by the key whose batch is due
 * first, instead of each keeping its own: the transactions per subtask do not grow with the number
 * of keys (shards) it holds. A batch never waits longer than its own trigger lets it; it may flush
 * earlier. Flushes at other times (on size, at end of input) are the key's alone.
 *
 * <p>How: while a key has a pending batch it keeps a tick timer 1 ms before the next multiple of
 * {@code grid}; timers at the same time fire in the same pass of the timer service, so the keys of
 * a round fire together, 1 ms before the due key's own timer (the inner trigger's timers must be
 * aligned to the same grid, {@link KeyJitter#alignedTo}, so a tick never coincides with them: a
 * timer 1 ms before a grid point is taken for a tick). The inner trigger's timers are noted as it
 * sets them ({@link PlannedRounds}, per trigger instance, i.e. per operator subtask; not
 * checkpointed: after a restore a key's restored timer counts again once it is set anew). A key's
 * ticks start when the inner trigger sets a timer for an element (a batch began or was re-planned)
 * and end with its flush; this trigger keeps no state of its own (the tick asks the inner trigger
 * whether the batch is still pending), and {@link #clear} removes the tick timer and the inner
 * trigger's state.
 *
 * <p>The inner trigger is asked to flush through {@link FlushOnRequest} (it keeps what it learned
 * across batches) and must ignore processing-time timers it did not set, as the dynbatch triggers
 * do. Flink's {@code ProcessingTimeoutTrigger} does not: it takes every timer for its timeout.
 *
 * @param <T> element type
 * @param <W> window type
 */
public final class CommitRoundTrigger<T, W extends Window> extends Trigger<T, W> {

    private static final long serialVersionUID = 1L;

    private final Trigger<T, W> inner;
    private final FlushOnRequest<W> flushOnRequest;
    private final long gridMillis;

    private transient PlannedRounds rounds;

    private <X extends Trigger<T, W> & FlushOnRequest<W>> CommitRoundTrigger(X inner, long gridMillis) {
        this.inner = inner;
        this.flushOnRequest = inner;
        this.gridMillis = gridMillis;
    }

    /**
     * {@code inner} with commit rounds on ticks of {@code grid}.
     *
     * @throws IllegalArgumentException if {@code grid} is not positive
     */
    public static <T, W extends Window, X extends Trigger<T, W> & FlushOnRequest<W>> CommitRoundTrigger<T, W> of(
            X inner, Duration grid) {
        Objects.requireNonNull(inner, "inner");
        if (Objects.requireNonNull(grid, "grid").isNegative() || grid.isZero()) {
            throw new IllegalArgumentException("grid must be > 0, got " + grid);
        }
        return new CommitRoundTrigger<>(inner, grid.toMillis());
    }

    /** The trigger whose batches this one puts into rounds. */
    public Trigger<T, W> inner() {
        return inner;
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        long now = ctx.getCurrentProcessingTime();
        long set = rounds().timersSet();
        TriggerResult result = inner.onElement(element, timestamp, window, watching(ctx));
        if (result.isPurge()) {
            return ended(result, ctx, now);
        }
        if (rounds().timersSet() != set) { // a batch began (or was re-planned): it ticks until it flushes
            ctx.registerProcessingTimeTimer(nextTick(now));
        }
        return result;
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        long now = ctx.getCurrentProcessingTime();
        if (!isTick(time)) { // the inner trigger's own timer (never on a tick)
            return ended(inner.onProcessingTime(time, window, watching(ctx)), ctx, now);
        }
        if (rounds().isRound(time + 1)) { // CONTINUE if the tick was left from a flushed batch
            return ended(flushOnRequest.flushInRound(time + 1, window, watching(ctx)), ctx, now);
        }
        if (flushOnRequest.hasPending(window, ctx)) {
            ctx.registerProcessingTimeTimer(nextTick(now));
        }
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        return ended(inner.onEventTime(time, window, watching(ctx)), ctx, ctx.getCurrentProcessingTime());
    }

    /**
     * {@code result}; a purge ends the key's batch and its ticks (a tick the timer service fired late
     * ends at its next call).
     */
    private TriggerResult ended(TriggerResult result, TriggerContext ctx, long now) {
        if (result.isPurge()) {
            ctx.deleteProcessingTimeTimer(nextTick(now));
        }
        return result;
    }

    private boolean isTick(long time) {
        return Math.floorMod(time + 1, gridMillis) == 0;
    }

    /** The first tick after {@code nowMillis}: 1 ms before a multiple of the grid. */
    private long nextTick(long nowMillis) {
        return Math.floorDiv(nowMillis + 1, gridMillis) * gridMillis + gridMillis - 1;
    }

    private PlannedRounds rounds() {
        if (rounds == null) {
            rounds = new PlannedRounds();
        }
        return rounds;
    }

    private TriggerContext watching(TriggerContext ctx) {
        return rounds().watching(ctx);
    }

    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        ctx.deleteProcessingTimeTimer(nextTick(ctx.getCurrentProcessingTime()));
        inner.clear(window, watching(ctx));
    }

    @Override
    public String toString() {
        return "CommitRoundTrigger(" + inner + ", grid=" + gridMillis + "ms)";
    }
}
