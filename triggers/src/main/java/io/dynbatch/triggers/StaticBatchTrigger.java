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
 * A batching {@link Trigger} that flushes (FIRE_AND_PURGE) a window's pending batch on whichever
 * comes first:
 *
 * <ol>
 *   <li><b>size</b>: the batch holds {@code maxSize} events (fired on the element that reaches
 *       it; an element is one event unless an {@link ElementCounter} says otherwise);
 *   <li><b>max delay</b>: {@code maxDelay} minus the key's jitter has passed, in processing time, since
 *       the batch's <em>first</em> element arrived (one timer per batch, not a periodic ticker);
 *   <li><b>end of input</b>: the watermark reaches {@code window.maxTimestamp()} (for a {@code
 *       GlobalWindow} that is the final watermark of a bounded input, where processing-time timers
 *       would never fire).
 * </ol>
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>No batch is larger than {@code maxSize} (with counted elements: by less than its last
 *       element's count) and none waits longer than {@code maxDelay} after
 *       its first element (up to timer-service lag; jitter only shortens the wait).
 *   <li>After every flush the trigger holds no state and no timer for the window; the next element
 *       starts a new batch with a new timer. {@link #clear} likewise removes everything. Per key
 *       and window the state is O(1): a count and a deadline.
 *   <li>The count and deadline are keyed state, checkpointed with the job; timers are restored
 *       with it, so a restored batch still flushes on time.
 * </ul>
 *
 * <p>Works with any window assigner (typically {@code GlobalWindows}); it does not merge windows.
 *
 * @param <T> element type
 * @param <W> window type
 */
public class StaticBatchTrigger<T, W extends Window> extends Trigger<T, W> implements FlushOnRequest<W> {

    private static final long serialVersionUID = 1L;

    private final long maxSize;
    private final long maxDelayMillis;
    private final KeyJitter<T> jitter;
    private final String metricsScope;
    private final ElementCounter<T> counter;
    private final boolean leavesTarget;

    /** A value, not a reducing state: one read and one write per element (a reducing add plus a get is three on RocksDB). */
    private final ValueStateDescriptor<Long> countDesc = new ValueStateDescriptor<>("batch-count", LongSerializer.INSTANCE);
    private final ValueStateDescriptor<Long> deadlineDesc =
            new ValueStateDescriptor<>("batch-deadline", LongSerializer.INSTANCE);
    private final ValueStateDescriptor<FlushTarget> targetDesc = FlushTarget.descriptor();

    private transient BatchTriggerMetrics metrics;

    private StaticBatchTrigger(long maxSize, long maxDelayMillis, KeyJitter<T> jitter, String metricsScope,
            ElementCounter<T> counter, boolean leavesTarget) {
        this.maxSize = maxSize;
        this.maxDelayMillis = maxDelayMillis;
        this.jitter = jitter;
        this.metricsScope = metricsScope;
        this.counter = counter;
        this.leavesTarget = leavesTarget;
    }

    /**
     * A trigger that flushes at {@code maxSize} elements or {@code maxDelay} after a batch's first
     * element, and at end of input.
     *
     * @throws IllegalArgumentException if {@code maxSize <= 0} or {@code maxDelay} is negative
     */
    public static <T, W extends Window> StaticBatchTrigger<T, W> of(long maxSize, Duration maxDelay) {
        return new StaticBatchTrigger<>(
                requirePositiveSize(maxSize), requireDelay(maxDelay), KeyJitter.none(), BatchTriggerMetrics.DEFAULT_SCOPE,
                ElementCounter.one(), false);
    }

    /**
     * A copy of this trigger whose timer fires up to {@code jitter.maxJitterMillis()} earlier,
     * deterministically per key, so that many keys do not flush in the same millisecond.
     *
     * @throws IllegalArgumentException if the jitter is larger than {@code maxDelay}
     */
    public StaticBatchTrigger<T, W> withJitter(KeyJitter<T> jitter) {
        Objects.requireNonNull(jitter, "jitter").requireAtMost(maxDelayMillis);
        return new StaticBatchTrigger<>(maxSize, maxDelayMillis, jitter, metricsScope, counter, leavesTarget);
    }

    /** A copy of this trigger that reports its metrics in scope {@code scope} ({@link BatchTriggerMetrics}). */
    public StaticBatchTrigger<T, W> withMetricsScope(String scope) {
        return new StaticBatchTrigger<>(maxSize, maxDelayMillis, jitter, BatchTriggerMetrics.requireScope(scope),
                counter, leavesTarget);
    }

    /**
     * A copy of this trigger that counts each element as {@code counter} says (elements that bundle
     * several events), so {@code maxSize} stays a number of events. A batch then ends at the element
     * that reaches {@code maxSize}, so it can exceed it by less than that element's count.
     */
    public StaticBatchTrigger<T, W> withElementCounter(ElementCounter<T> counter) {
        return new StaticBatchTrigger<>(maxSize, maxDelayMillis, jitter, metricsScope,
                Objects.requireNonNull(counter, "counter"), leavesTarget);
    }

    /**
     * A copy that leaves, for each batch it fires, why ({@link FlushReason#SIZE}, {@link
     * FlushReason#MAX_DELAY}, {@link FlushReason#END_OF_INPUT}, or the reason it was asked to flush
     * for) and the deadline its timer had, as a {@link FlushTarget} for the window function's {@link
     * #feedback()}. It plans no size.
     */
    public StaticBatchTrigger<T, W> withFlushTarget() {
        return new StaticBatchTrigger<>(maxSize, maxDelayMillis, jitter, metricsScope, counter, true);
    }

    /** The handle through which the window function takes the flush targets: {@link BatchFeedback#NONE} without. */
    public BatchFeedback feedback() {
        return leavesTarget ? new BatchFeedback(false, true) : BatchFeedback.NONE;
    }

    static long requirePositiveSize(long maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be > 0, got " + maxSize);
        }
        return maxSize;
    }

    static long requireDelay(Duration maxDelay) {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay must be >= 0, got " + maxDelay);
        }
        return maxDelay.toMillis();
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        ValueState<Long> count = ctx.getPartitionedState(countDesc);
        Long before = count.value();
        long pending = (before == null ? 0L : before) + ElementCounter.countOf(counter, element);
        count.update(pending);
        if (before == null) {
            startBatch(element, window, ctx);
        }
        if (pending >= maxSize) {
            return flush(FlushReason.SIZE, pending, window, ctx);
        }
        return TriggerResult.CONTINUE;
    }

    private void startBatch(T element, W window, TriggerContext ctx) throws Exception {
        long now = ctx.getCurrentProcessingTime();
        long deadline = jitter.timerFor(now + maxDelayMillis, element, now);
        ctx.getPartitionedState(deadlineDesc).update(deadline);
        ctx.registerProcessingTimeTimer(deadline);
        ctx.registerEventTimeTimer(window.maxTimestamp());
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        Long deadline = ctx.getPartitionedState(deadlineDesc).value();
        if (deadline == null || deadline != time) {
            return TriggerResult.CONTINUE;
        }
        return flush(FlushReason.MAX_DELAY, pendingCount(ctx), window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        return time == window.maxTimestamp() ? flushNow(FlushReason.END_OF_INPUT, window, ctx) : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult flushNow(FlushReason reason, W window, TriggerContext ctx) throws Exception {
        return flush(reason, pendingCount(ctx), window, ctx);
    }

    /** As {@link #flushNow}, for {@link FlushReason#MAX_DELAY} if the batch's deadline is by {@code roundMillis}. */
    @Override
    public TriggerResult flushInRound(long roundMillis, W window, TriggerContext ctx) throws Exception {
        Long deadline = ctx.getPartitionedState(deadlineDesc).value();
        boolean due = deadline != null && deadline <= roundMillis;
        return flush(due ? FlushReason.MAX_DELAY : FlushReason.ROUND, pendingCount(ctx), window, ctx);
    }

    @Override
    public boolean hasPending(W window, TriggerContext ctx) throws Exception {
        return pendingCount(ctx) > 0;
    }

    private long pendingCount(TriggerContext ctx) throws Exception {
        Long pending = ctx.getPartitionedState(countDesc).value();
        return pending == null ? 0 : pending;
    }

    private TriggerResult flush(FlushReason reason, long size, W window, TriggerContext ctx) throws Exception {
        Long deadline = clearBatch(window, ctx);
        if (size == 0) {
            return TriggerResult.CONTINUE;
        }
        metrics(ctx).recordFlush(reason, size);
        if (leavesTarget) {
            FlushTarget.leave(ctx.getPartitionedState(targetDesc), new FlushTarget(reason, FlushTarget.NO_VALUE,
                    deadline == null ? FlushTarget.NO_VALUE : deadline, Double.NaN));
        }
        return TriggerResult.FIRE_AND_PURGE;
    }

    /** Removes the count, the deadline and both timers of the window's batch, and an untaken flush target. */
    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        clearBatch(window, ctx);
        if (leavesTarget) {
            ctx.getPartitionedState(targetDesc).clear();
        }
    }

    /** Removes the count, the deadline and both timers of the window's batch; returns the deadline it had. */
    private Long clearBatch(W window, TriggerContext ctx) throws Exception {
        ValueState<Long> deadline = ctx.getPartitionedState(deadlineDesc);
        Long due = deadline.value();
        if (due != null) {
            ctx.deleteProcessingTimeTimer(due);
            ctx.deleteEventTimeTimer(window.maxTimestamp());
            deadline.clear();
        }
        ctx.getPartitionedState(countDesc).clear();
        return due;
    }

    private BatchTriggerMetrics metrics(TriggerContext ctx) {
        if (metrics == null) {
            metrics = new BatchTriggerMetrics(ctx.getMetricGroup(), metricsScope);
        }
        return metrics;
    }

    /** The metrics of this trigger instance, or {@code null} before its first flush. For tests. */
    BatchTriggerMetrics metricsOrNull() {
        return metrics;
    }

    public long maxSize() {
        return maxSize;
    }

    public Duration maxDelay() {
        return Duration.ofMillis(maxDelayMillis);
    }

    @Override
    public boolean canMerge() {
        return false;
    }

    @Override
    public String toString() {
        return "StaticBatchTrigger(maxSize=" + maxSize + ", maxDelay=" + maxDelayMillis + "ms, jitter=" + jitter
                + (leavesTarget ? ", flushTarget" : "") + ")";
    }
}
