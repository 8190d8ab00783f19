package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.DecayedRate;
import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

import java.util.Objects;

/**
 * A batching {@link Trigger} whose flush size and deadline come from an {@link AdaptivePolicy}: it
 * aims to commit every element within the latency SLO counted from the element's <em>ingest
 * time</em> (its record timestamp), with the fewest and largest writes the SLO and the writer's
 * capacity allow. It flushes (FIRE_AND_PURGE) a window's pending batch on whichever comes first:
 *
 * <ol>
 *   <li><b>size</b> ({@link FlushReason#SIZE}): the batch reaches {@code maxSize} elements, or its
 *       estimated bytes reach {@code maxPendingBytes};
 *   <li><b>adaptive</b> ({@link FlushReason#ADAPTIVE}): the policy's deadline passes (the latency
 *       budget left after the time already spent upstream and the predicted write, or the writer's
 *       utilisation floor), by a processing-time timer or, when an element moves the deadline to
 *       now, on that element;
 *   <li><b>time</b> ({@link FlushReason#TIME}): {@code maxDelay} after the batch's first element
 *       (the hard cap, also the deadline while draining a backlog);
 *   <li><b>end of input</b> ({@link FlushReason#END_OF_INPUT}): the watermark reaches {@code
 *       window.maxTimestamp()}.
 * </ol>
 *
 * <p>One processing-time timer per batch, armed when the batch starts and moved when a later
 * element changes the planned deadline by at least the config's timer tolerance. Jitter ({@link
 * #withJitter}) makes the timer fire up to its maximum earlier, deterministically per key.
 *
 * <p><b>Cost per element.</b> The batch is re-planned at most once per millisecond of processing
 * time per key (and for every element older than the batch's oldest, and whenever a batch starts):
 * the other elements of that millisecond are only counted (one state read and one write, no learned
 * state touched, no allocation), checked against the size and memory caps, and added to the learned
 * arrival rate at the next plan. A re-plan in the same millisecond could only move the deadline by a
 * fraction of a millisecond, well within the timer tolerance.
 *
 * <p><b>Cost feedback.</b> The window function reports each commit with {@link
 * SinkFeedback#record} on {@code context.windowState()}; the trigger consumes the sample at its
 * next call for that key and refines the key's learned cost {@code a + b * size}. In the other
 * direction, a trigger built {@link #withFlushTarget()} leaves the size it planned for the batch it
 * fires, for the window function to read with {@link FlushTarget#take}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>No batch exceeds {@code maxSize} elements or waits longer than {@code maxDelay} after its
 *       first element (up to timer-service lag); its estimated bytes stay within {@code
 *       maxPendingBytes} give or take one element.
 *   <li>Per key and window the state is O(1): the pending batch (nine longs: the {@link
 *       PendingBatch}, when it was last planned, the arrivals since and the planned size), what was
 *       learned about the key ({@link KeyLearning#STATE_SIZE} doubles), at most one unconsumed
 *       feedback sample and, between firing and the window function, the fired batch's planned size
 *       ({@link FlushTarget}).
 *       All of it is keyed state, checkpointed with the job, so the learned cost survives a restart;
 *       timers are restored with it.
 *   <li>After a flush the batch state and both timers are gone; the learned state stays (it is the
 *       point of learning). {@link #clear} removes everything, learned state and feedback included.
 * </ul>
 *
 * <p>A record without a timestamp ({@code Long.MIN_VALUE}) counts as ingested when it arrives.
 * Works with any window assigner (typically {@code GlobalWindows}); it does not merge windows.
 *
 * @param <T> element type
 * @param <W> window type
 */
public class AdaptiveBatchTrigger<T, W extends Window> extends Trigger<T, W> {

    private static final long serialVersionUID = 1L;

    private final AdaptivePolicyConfig config;
    private final KeyJitter<T> jitter;
    private final ElementWeigher<T> weigher;
    private final String metricsScope;
    /** Whether each fired batch's planned size is left for the window function ({@link FlushTarget}). */
    private final boolean reportsTarget;

    private final ValueStateDescriptor<long[]> batchDesc =
            new ValueStateDescriptor<>("adaptive-batch", LongPrimitiveArraySerializer.INSTANCE);
    private final ValueStateDescriptor<double[]> learningDesc =
            new ValueStateDescriptor<>("adaptive-learning", DoublePrimitiveArraySerializer.INSTANCE);
    private final ValueStateDescriptor<long[]> feedbackDesc = SinkFeedback.descriptor();
    private final ValueStateDescriptor<Long> targetDesc = FlushTarget.descriptor();

    /** Processing time of the current call; the policy's clock. */
    private transient long nowMillis;

    private transient AdaptivePolicy policy;
    /** Write time per ms of all keys of this operator instance (operator-local, not checkpointed). */
    private transient DecayedRate writerLoad;

    private transient BatchTriggerMetrics metrics;
    private transient AdaptiveTriggerGauges gauges;

    /** Slots of the learned-state cache (a power of two); a few keys per subtask is the norm. */
    private static final int LEARNING_CACHE_SLOTS = 64;

    private transient double[][] cachedArrays;
    private transient KeyLearning[] cachedLearning;
    /** The batch being worked on in onElement (read from and written back to state every call). */
    private transient PendingBatch scratch;

    private AdaptiveBatchTrigger(
            AdaptivePolicyConfig config, KeyJitter<T> jitter, ElementWeigher<T> weigher, String metricsScope,
            boolean reportsTarget) {
        this.config = config;
        this.jitter = jitter;
        this.weigher = weigher;
        this.metricsScope = metricsScope;
        this.reportsTarget = reportsTarget;
    }

    /** An adaptive trigger with the given policy settings, no jitter, metrics scope {@code default}. */
    public static <T, W extends Window> AdaptiveBatchTrigger<T, W> of(AdaptivePolicyConfig config) {
        return new AdaptiveBatchTrigger<>(Objects.requireNonNull(config, "config"), KeyJitter.none(), null, BatchTriggerMetrics.DEFAULT_SCOPE,
                false);
    }

    /**
     * A copy of this trigger whose timer fires up to {@code jitter.maxJitterMillis()} earlier,
     * deterministically per key.
     *
     * @throws IllegalArgumentException if the jitter is larger than the config's maxDelay
     */
    public AdaptiveBatchTrigger<T, W> withJitter(KeyJitter<T> jitter) {
        Objects.requireNonNull(jitter, "jitter");
        if (jitter.maxJitterMillis() > config.maxDelayMillis()) {
            throw new IllegalArgumentException("jitter (" + jitter.maxJitterMillis()
                    + " ms) must not exceed maxDelay (" + config.maxDelayMillis() + " ms)");
        }
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsScope, reportsTarget);
    }

    /** A copy of this trigger that reports its metrics in scope {@code scope} ({@link BatchTriggerMetrics}). */
    public AdaptiveBatchTrigger<T, W> withMetricsScope(String scope) {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, BatchTriggerMetrics.requireScope(scope), reportsTarget);
    }

    /**
     * A copy of this trigger that weighs elements with {@code weigher} for the memory cap, instead of
     * assuming {@code assumedElementBytes} each.
     */
    public AdaptiveBatchTrigger<T, W> withElementWeigher(ElementWeigher<T> weigher) {
        return new AdaptiveBatchTrigger<>(config, jitter, Objects.requireNonNull(weigher, "weigher"), metricsScope,
                reportsTarget);
    }

    /**
     * A copy of this trigger that leaves each fired batch's planned size for the window function,
     * which must then {@link FlushTarget#take} it (otherwise one value per key stays in state until
     * the next flush overwrites it).
     */
    public AdaptiveBatchTrigger<T, W> withFlushTarget() {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsScope, true);
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        begin(ctx);
        long ingest = timestamp == Long.MIN_VALUE ? nowMillis : timestamp;
        ValueState<long[]> batchState = ctx.getPartitionedState(batchDesc);
        long[] stored = batchState.value();
        PendingBatch batch = scratch;
        batch.readFrom(stored, 0);
        long plannedAt = plannedAt(stored);
        long deferred = deferredArrivals(stored);

        if (plannedAt == nowMillis && batch.hasTimer() && !batch.isEmpty() && ingest >= batch.oldestIngestMillis()) {
            // Quiet path: the batch was planned in this very millisecond and this element is not its
            // oldest. Re-planning could move the deadline by a fraction of a millisecond (timers are
            // only moved by the timer tolerance anyway), so the plan stands and the element is only
            // counted; its arrival reaches the learned rate at the next plan. No learned state is read
            // or written: one state read and one write per element, as few as a count trigger's.
            batch.add(1, ingest, bytesOf(element), nowMillis);
            gauges.added(1);
            deferred++;
            if (batch.count() >= policy.sizeCap(batch)) {
                ValueState<double[]> learningState = ctx.getPartitionedState(learningDesc);
                double[] learned = learningState.value();
                KeyLearning learning = learning(learned);
                foldDeferred(learning, plannedAt, deferred);
                policy.onFlush(learning);
                saveLearning(learningState, learned, learning);
                return flush(FlushReason.SIZE, batch, plannedTarget(stored), window, ctx);
            }
            batchState.update(store(stored, batch, plannedAt, deferred, plannedTarget(stored)));
            return TriggerResult.CONTINUE;
        }

        ValueState<double[]> learningState = ctx.getPartitionedState(learningDesc);
        double[] learned = learningState.value();
        KeyLearning learning = learning(learned);
        foldDeferred(learning, plannedAt, deferred);
        if (batch.isEmpty()) {
            // Feedback is written by the window function right after a flush, so it can only be
            // waiting when a new batch starts: look for it then, not on every element.
            consumeFeedback(ctx, learning);
        }
        policy.onArrival(learning, 1, ingest);

        batch.add(1, ingest, bytesOf(element), nowMillis);
        gauges.added(1);

        double load = writerLoad.perMilli(nowMillis);
        FlushPlan plan = policy.plan(learning, batch, load);
        gauges.planned(plan, nowMillis, learning, load);

        if (batch.count() >= plan.flushAtSize()) {
            policy.onFlush(learning);
            saveLearning(learningState, learned, learning);
            return flush(FlushReason.SIZE, batch, plan.expectedSize(), window, ctx);
        }
        long due = plan.deadlineMillis() - jitter.offsetMillis(element);
        if (due <= nowMillis) {
            if (batch.hasTimer() && nowMillis > batch.timerMillis()) {
                // The timer was due while the thread was busy; this element got here first.
                policy.onTimerLag(learning, nowMillis - batch.timerMillis());
            }
            policy.onFlush(learning);
            saveLearning(learningState, learned, learning);
            return flush(plan.bound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE, batch,
                    plan.expectedSize(), window, ctx);
        }
        saveLearning(learningState, learned, learning);
        if (!batch.hasTimer()) {
            ctx.registerEventTimeTimer(window.maxTimestamp());
            ctx.registerProcessingTimeTimer(due);
            batch.setTimer(due, plan.bound());
        } else if (Math.abs(due - batch.timerMillis()) >= config.timerToleranceMillis()) {
            ctx.deleteProcessingTimeTimer(batch.timerMillis());
            ctx.registerProcessingTimeTimer(due);
            batch.setTimer(due, plan.bound());
        }
        batchState.update(store(stored, batch, nowMillis, 0, plan.expectedSize()));
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        long[] stored = ctx.getPartitionedState(batchDesc).value();
        PendingBatch batch = new PendingBatch();
        batch.readFrom(stored, 0);
        if (batch.isEmpty() || !batch.hasTimer() || batch.timerMillis() != time) {
            return TriggerResult.CONTINUE;
        }
        begin(ctx);
        ValueState<double[]> learningState = ctx.getPartitionedState(learningDesc);
        double[] learned = learningState.value();
        KeyLearning learning = learning(learned);
        foldDeferred(learning, plannedAt(stored), deferredArrivals(stored));
        consumeFeedback(ctx, learning);
        policy.onTimerLag(learning, nowMillis - time);
        policy.onFlush(learning);
        saveLearning(learningState, learned, learning);
        return flush(batch.timerBound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE, batch,
                plannedTarget(stored), window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        if (time != window.maxTimestamp()) {
            return TriggerResult.CONTINUE;
        }
        long[] stored = ctx.getPartitionedState(batchDesc).value();
        PendingBatch batch = new PendingBatch();
        batch.readFrom(stored, 0);
        if (batch.isEmpty()) {
            return TriggerResult.CONTINUE;
        }
        begin(ctx);
        long deferred = deferredArrivals(stored);
        if (deferred > 0) {
            ValueState<double[]> learningState = ctx.getPartitionedState(learningDesc);
            double[] learned = learningState.value();
            KeyLearning learning = learning(learned);
            foldDeferred(learning, plannedAt(stored), deferred);
            saveLearning(learningState, learned, learning);
        }
        return flush(FlushReason.END_OF_INPUT, batch, plannedTarget(stored), window, ctx);
    }

    /**
     * Fires the batch: clears its state and timers and leaves its planned size ({@code target}, or
     * {@link FlushTarget#NONE}) for the window function.
     */
    private TriggerResult flush(FlushReason reason, PendingBatch batch, long target, W window, TriggerContext ctx)
            throws Exception {
        clearBatch(batch, window, ctx);
        if (reportsTarget) {
            if (target == FlushTarget.NONE) {
                ctx.getPartitionedState(targetDesc).clear(); // none planned: no stale value either
            } else {
                ctx.getPartitionedState(targetDesc).update(target);
            }
        }
        metrics.recordFlush(reason, batch.count());
        gauges.flushed(batch.count());
        return TriggerResult.FIRE_AND_PURGE;
    }

    private void clearBatch(PendingBatch batch, W window, TriggerContext ctx) throws Exception {
        if (batch.hasTimer()) {
            ctx.deleteProcessingTimeTimer(batch.timerMillis());
            ctx.deleteEventTimeTimer(window.maxTimestamp());
        }
        ctx.getPartitionedState(batchDesc).clear();
    }

    /*
     * The batch state: the PendingBatch (PendingBatch.STATE_SIZE longs), then when it was last
     * planned, how many elements arrived in that millisecond after the plan without being added to
     * the learned arrival rate yet, and the size the last plan expected the batch to reach. Shorter
     * states written by earlier versions read as "not planned yet, nothing deferred" (only
     * PendingBatch.STATE_SIZE longs) and "no planned size" (without the last slot).
     */
    private static final int PLANNED_AT = PendingBatch.STATE_SIZE;
    private static final int DEFERRED = PendingBatch.STATE_SIZE + 1;
    private static final int TARGET = PendingBatch.STATE_SIZE + 2;
    private static final int BATCH_STATE_SIZE = PendingBatch.STATE_SIZE + 3;

    private static long plannedAt(long[] stored) {
        return stored != null && stored.length > DEFERRED ? stored[PLANNED_AT] : Long.MIN_VALUE;
    }

    private static long deferredArrivals(long[] stored) {
        return stored != null && stored.length > DEFERRED ? stored[DEFERRED] : 0;
    }

    private static long plannedTarget(long[] stored) {
        return stored != null && stored.length > TARGET ? stored[TARGET] : FlushTarget.NONE;
    }

    /**
     * The batch state to store, written into {@code stored} when it has the right size: the array the
     * backend returned is ours to overwrite (the heap backend hands out a private copy while a
     * snapshot still needs the old value, RocksDB a freshly deserialized one).
     */
    private static long[] store(long[] stored, PendingBatch batch, long plannedAt, long deferred, long target) {
        long[] out = stored != null && stored.length == BATCH_STATE_SIZE ? stored : new long[BATCH_STATE_SIZE];
        batch.writeTo(out, 0);
        out[PLANNED_AT] = plannedAt;
        out[DEFERRED] = deferred;
        out[TARGET] = target;
        return out;
    }

    /**
     * Adds the {@code deferred} arrivals of millisecond {@code plannedAt} to the learned arrival rate,
     * exactly as if each had been recorded when it arrived: after the plan of that millisecond, the
     * policy's arrival-age estimate takes no further sample in it, so only the rate's sum changes.
     */
    private void foldDeferred(KeyLearning learning, long plannedAt, long deferred) {
        if (deferred <= 0) {
            return;
        }
        long now = nowMillis;
        nowMillis = plannedAt; // the policy's clock
        try {
            policy.onArrival(learning, deferred, plannedAt);
        } finally {
            nowMillis = now;
        }
    }

    /**
     * Removes the pending batch, both timers, the learned state, any unconsumed feedback and any
     * planned size the window function did not take.
     */
    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        PendingBatch batch = new PendingBatch();
        batch.readFrom(ctx.getPartitionedState(batchDesc).value(), 0);
        clearBatch(batch, window, ctx);
        ctx.getPartitionedState(learningDesc).clear();
        ctx.getPartitionedState(feedbackDesc).clear();
        ctx.getPartitionedState(targetDesc).clear();
    }

    private void begin(TriggerContext ctx) {
        nowMillis = ctx.getCurrentProcessingTime();
        if (policy == null) {
            policy = new AdaptivePolicy(config, () -> nowMillis);
            writerLoad = policy.newWriterLoad();
            cachedArrays = new double[LEARNING_CACHE_SLOTS][];
            cachedLearning = new KeyLearning[LEARNING_CACHE_SLOTS];
            scratch = new PendingBatch();
        }
        if (metrics == null) {
            metrics = new BatchTriggerMetrics(ctx.getMetricGroup(), metricsScope);
            gauges = new AdaptiveTriggerGauges(metrics.group());
        }
    }

    /**
     * The key's learned state stored as {@code learned}. Restoring it costs a few allocations and a
     * refit of the cost model per element, so the objects are kept in a small cache keyed by the
     * identity of the stored array: the heap backend returns the very array this trigger stored
     * last, which the trigger overwrites in place, so an identical array means identical contents.
     * (A snapshot in progress makes the heap backend return a copy, and RocksDB always returns a new
     * array: then the state is restored as before.)
     */
    private KeyLearning learning(double[] learned) {
        if (learned == null) {
            return policy.restore(null);
        }
        int slot = System.identityHashCode(learned) & (LEARNING_CACHE_SLOTS - 1);
        if (cachedArrays[slot] == learned) {
            return cachedLearning[slot];
        }
        KeyLearning learning = policy.restore(learned);
        cachedArrays[slot] = learned;
        cachedLearning[slot] = learning;
        return learning;
    }

    /** Folds any feedback the window function left since the last call into the key's learning. */
    private void consumeFeedback(TriggerContext ctx, KeyLearning learning) throws Exception {
        double[] feedback = SinkFeedback.take(ctx.getPartitionedState(feedbackDesc));
        if (feedback != null) {
            long samples = Math.min(16, (long) feedback[0]);
            for (long i = 0; i < samples; i++) {
                policy.onWrite(learning, Math.round(feedback[1]), feedback[2]);
                writerLoad.add(feedback[2], nowMillis);
            }
        }
    }

    /** Stores {@code learning}, overwriting {@code learned} (the array read from the state) if any. */
    private void saveLearning(ValueState<double[]> state, double[] learned, KeyLearning learning) throws Exception {
        double[] out = learning.writeTo(learned);
        state.update(out);
        if (out != learned) {
            int slot = System.identityHashCode(out) & (LEARNING_CACHE_SLOTS - 1);
            cachedArrays[slot] = out;
            cachedLearning[slot] = learning;
        }
    }

    private long bytesOf(T element) {
        return weigher == null ? config.assumedElementBytes() : Math.max(0, weigher.bytes(element));
    }

    /** The metrics of this trigger instance, or {@code null} before its first call. For tests. */
    BatchTriggerMetrics metricsOrNull() {
        return metrics;
    }

    /** The gauges of this trigger instance, or {@code null} before its first call. For tests. */
    AdaptiveTriggerGauges gaugesOrNull() {
        return gauges;
    }

    public AdaptivePolicyConfig config() {
        return config;
    }

    @Override
    public boolean canMerge() {
        return false;
    }

    @Override
    public String toString() {
        return "AdaptiveBatchTrigger(slo=" + config.sloMillis() + "ms, maxSize=" + config.maxSize() + ", maxDelay="
                + config.maxDelayMillis() + "ms, jitter=" + jitter + ")";
    }
}
