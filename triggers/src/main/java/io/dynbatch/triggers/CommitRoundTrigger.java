package io.dynbatch.triggers;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

import java.time.Duration;
import java.util.Objects;

/**
 * Adds commit rounds to a batching trigger, for a committer that writes what the keys of one
 * operator subtask fire together in one transaction: when some key's own flush timer comes due,
 * every key of the subtask with a pending batch flushes with it (those not due with reason {@link
 * FlushReason#ROUND}). So the subtask's keys share one cycle, set by the key whose batch is due
 * first, instead of each keeping its own: the transactions per subtask do not grow with the number
 * of keys (shards) it holds. A batch never waits longer than its own trigger lets it; it may flush
 * earlier. Flushes at other times (on size, at end of input) are the key's alone.
 *
 * <p>How: while a key has a pending batch it keeps a tick timer 1 ms before the next multiple of
 * {@code grid}; timers at the same time fire in the same pass of the timer service, so the keys of
 * a round fire together, 1 ms before the due key's own timer (the inner trigger's timers should be
 * aligned to the same grid, {@link KeyJitter#alignedTo}; the tick never coincides with them). The
 * inner trigger's timers are noted as it sets them ({@link
 * PlannedRounds}, per trigger instance, i.e. per operator subtask; not checkpointed: after a
 * restore a key's restored timer counts again once it is set anew). The key's own state is the time
 * its pending batch began; {@link #clear} removes it, the tick timer and the inner trigger's state.
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
    private final ValueStateDescriptor<Long> batchStartDesc =
            new ValueStateDescriptor<>("round-batch-start", LongSerializer.INSTANCE);

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
        ValueState<Long> start = ctx.getPartitionedState(batchStartDesc);
        long now = ctx.getCurrentProcessingTime();
        if (start.value() == null) {
            start.update(now);
            ctx.registerProcessingTimeTimer(nextTick(now));
        }
        return afterInner(inner.onElement(element, timestamp, window, watching(ctx)), ctx, now);
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        long now = ctx.getCurrentProcessingTime();
        boolean round = Math.floorMod(time + 1, gridMillis) == 0 && rounds().isRound(time + 1);
        TriggerResult result = inner.onProcessingTime(time, window, watching(ctx));
        ValueState<Long> start = ctx.getPartitionedState(batchStartDesc);
        if (result.isPurge() || start.value() == null) {
            return afterInner(result, ctx, now); // flushed on its own, or a tick left from a flushed batch
        }
        if (round) {
            return afterInner(flushOnRequest.flushNow(FlushReason.ROUND, window, watching(ctx)), ctx, now);
        }
        ctx.registerProcessingTimeTimer(nextTick(now));
        return result;
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        return afterInner(inner.onEventTime(time, window, watching(ctx)), ctx, ctx.getCurrentProcessingTime());
    }

    /** A purge ends the key's batch and its ticks. */
    private TriggerResult afterInner(TriggerResult result, TriggerContext ctx, long now) throws Exception {
        if (result.isPurge()) {
            ctx.getPartitionedState(batchStartDesc).clear();
            ctx.deleteProcessingTimeTimer(nextTick(now));
        }
        return result;
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
        ValueState<Long> start = ctx.getPartitionedState(batchStartDesc);
        if (start.value() != null) {
            start.clear();
            ctx.deleteProcessingTimeTimer(nextTick(ctx.getCurrentProcessingTime()));
        }
        inner.clear(window, watching(ctx));
    }

    @Override
    public String toString() {
        return "CommitRoundTrigger(" + inner + ", grid=" + gridMillis + "ms)";
    }
}
