package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.DecayedRate;
import io.dynbatch.triggers.policy.FlushDecider;
import io.dynbatch.triggers.policy.FlushDecision;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

import java.util.Objects;

/**
 * A batching {@link Trigger} that fires (FIRE_AND_PURGE) a window's pending batch when its {@link
 * AdaptivePolicy} says so, through the decision step the simulator drives too ({@link
 * FlushDecider}): as late as still commits the batch's oldest event within the latency SLO counted
 * from its ingest time (the record timestamp, else its arrival), with the fewest and largest writes
 * the SLO and the writer allow; always at {@code maxSize} events, {@code maxPendingBytes}, {@code
 * maxDelay} after its first element, at end of input, and on request ({@link FlushReason}). One
 * processing-time timer per batch, moved when a re-plan shifts the deadline by the timer tolerance;
 * a key is re-planned at most once per timer tolerance (at least 1 ms): an element that arrives
 * sooner after the last plan and is not the batch's oldest is only counted (its arrivals enter the
 * learned rate at the next plan, as of the last one): {@code n} such arrivals would bring the
 * latency deadline forward by {@code b * n / (1 + b * rate)} (b: write time per element), less
 * than the time they took to arrive when they come at about the learned rate, so less than the
 * tolerance, a move the trigger would not make anyway. The size and memory caps are checked on
 * every element. An element is one event unless an {@link
 * ElementCounter} says otherwise; the window function reports costs and takes planned sizes through
 * {@link #feedback()}. O(1) keyed state per key ({@link AdaptiveTriggerState}), checkpointed with the
 * timers; a flush leaves only the learned state, {@link #clear} nothing. Not for merging windows.
 *
 * @param <T> element type
 * @param <W> window type
 */
public class AdaptiveBatchTrigger<T, W extends Window> extends Trigger<T, W> implements FlushOnRequest<W> {

    private static final long serialVersionUID = 1L;

    private final AdaptivePolicyConfig config;
    private final KeyJitter<T> jitter;
    private final ElementWeigher<T> weigher;
    private final String metricsScope;
    private final boolean leavesTarget;
    private final ElementCounter<T> counter;

    private final ValueStateDescriptor<long[]> batchDesc = AdaptiveTriggerState.batchDescriptor();
    private final ValueStateDescriptor<double[]> learningDesc = AdaptiveTriggerState.learningDescriptor();
    private final ValueStateDescriptor<long[]> feedbackDesc = SinkFeedback.descriptor();
    private final ValueStateDescriptor<FlushTarget> targetDesc = FlushTarget.descriptor();

    private transient AdaptivePolicy policy;
    private transient FlushDecider decider;
    private transient DecayedRate writerLoad; // write time per ms of all keys here (not checkpointed)
    private transient AdaptiveTriggerState state;
    private transient AdaptiveTriggerMetrics metrics;
    private transient long replanMillis; // a key is re-planned at most once per this many ms

    private AdaptiveBatchTrigger(AdaptivePolicyConfig config, KeyJitter<T> jitter, ElementWeigher<T> weigher,
            String metricsScope, boolean leavesTarget, ElementCounter<T> counter) {
        this.config = config;
        this.jitter = jitter;
        this.weigher = weigher;
        this.metricsScope = metricsScope;
        this.leavesTarget = leavesTarget;
        this.counter = counter;
    }

    /** An adaptive trigger with the given policy settings, no jitter, metrics scope {@code default}. */
    public static <T, W extends Window> AdaptiveBatchTrigger<T, W> of(AdaptivePolicyConfig config) {
        return new AdaptiveBatchTrigger<>(Objects.requireNonNull(config, "config"), KeyJitter.none(), null,
                BatchTriggerMetrics.DEFAULT_SCOPE, false, ElementCounter.one());
    }

    /** A copy whose timers fire earlier by a fixed offset per key; IllegalArgumentException beyond maxDelay. */
    public AdaptiveBatchTrigger<T, W> withJitter(KeyJitter<T> jitter) {
        Objects.requireNonNull(jitter, "jitter").requireAtMost(config.maxDelayMillis());
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsScope, leavesTarget, counter);
    }

    /** A copy that reports its metrics in scope {@code scope} ({@link BatchTriggerMetrics}). */
    public AdaptiveBatchTrigger<T, W> withMetricsScope(String scope) {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, BatchTriggerMetrics.requireScope(scope),
                leavesTarget, counter);
    }

    /** A copy that weighs elements for the memory cap instead of assuming {@code assumedElementBytes}. */
    public AdaptiveBatchTrigger<T, W> withElementWeigher(ElementWeigher<T> weigher) {
        return new AdaptiveBatchTrigger<>(config, jitter, Objects.requireNonNull(weigher, "weigher"), metricsScope,
                leavesTarget, counter);
    }

    /** A copy counting elements as {@code counter} says; a batch can exceed maxSize by its last element's count. */
    public AdaptiveBatchTrigger<T, W> withElementCounter(ElementCounter<T> counter) {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsScope, leavesTarget,
                Objects.requireNonNull(counter, "counter"));
    }

    /**
     * A copy that leaves, for each batch it fires, why and what it had planned (reason, planned size,
     * planned deadline, predicted write time: a {@link FlushTarget}) for the window function's {@link
     * #feedback()}.
     */
    public AdaptiveBatchTrigger<T, W> withFlushTarget() {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsScope, true, counter);
    }

    /** The handle through which the window function fed by this trigger reports costs and takes targets. */
    public BatchFeedback feedback() {
        return new BatchFeedback(true, leavesTarget);
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        long now = begin(ctx);
        long ingest = timestamp == Long.MIN_VALUE ? now : timestamp;
        PendingBatch batch = state.readBatch(ctx.getPartitionedState(batchDesc));
        boolean starts = batch.isEmpty();
        boolean quiet = !starts && now - state.plannedAt() < replanMillis && batch.hasTimer()
                && ingest >= batch.oldestIngestMillis();
        long n = ElementCounter.countOf(counter, element);
        batch.add(n, ingest, weigher == null ? n * config.assumedElementBytes() : Math.max(0, weigher.bytes(element)),
                now);
        metrics.added(n);
        if (quiet) { // planned within the tolerance and not the oldest: a re-plan would not move the timer
            state.deferArrivals(n); // no learned state read or written
            if (batch.count() < policy.sizeCap(batch)) {
                state.writeBatch();
                return TriggerResult.CONTINUE;
            }
            KeyLearning learning = state.readLearning(ctx.getPartitionedState(learningDesc));
            return flush(decider.atSizeCap(learning, batch, now), window, ctx);
        }
        KeyLearning learning = state.readLearning(ctx.getPartitionedState(learningDesc));
        if (starts) {
            consumeFeedback(ctx, learning, now); // written right after a flush: only a new batch can find it
        }
        double load = writerLoad.perMilli(now);
        long offset = jitter.offsetMillis(element);
        FlushDecision decision = decider.afterAdd(learning, batch, n, ingest, load,
                deadline -> jitter.timerAt(deadline, offset, now), now);
        metrics.planned(decision.plan(), now, learning, load);
        state.planned(now, decision.plan());
        if (decision.flushes()) {
            return flush(decision, window, ctx);
        }
        state.writeLearning();
        if (decision.action() == FlushDecision.Action.ARM) {
            if (batch.hasTimer()) {
                ctx.deleteProcessingTimeTimer(batch.timerMillis());
            } else {
                ctx.registerEventTimeTimer(window.maxTimestamp());
            }
            ctx.registerProcessingTimeTimer(decision.timerMillis());
            batch.setTimer(decision.timerMillis(), decision.bound());
        }
        state.writeBatch();
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        long now = begin(ctx);
        PendingBatch batch = state.readBatch(ctx.getPartitionedState(batchDesc));
        if (batch.isEmpty() || !batch.hasTimer() || batch.timerMillis() != time) {
            return TriggerResult.CONTINUE;
        }
        KeyLearning learning = state.readLearning(ctx.getPartitionedState(learningDesc));
        consumeFeedback(ctx, learning, now);
        return flush(decider.onTimer(learning, batch, now), window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        return time == window.maxTimestamp() ? flushNow(FlushReason.END_OF_INPUT, window, ctx) : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult flushNow(FlushReason reason, W window, TriggerContext ctx) throws Exception {
        begin(ctx);
        if (state.readBatch(ctx.getPartitionedState(batchDesc)).isEmpty()) {
            return TriggerResult.CONTINUE;
        }
        return flushRequested(reason, window, ctx);
    }

    /** As {@link #flushNow}, for the reason of the key's own timer if it is due by {@code roundMillis}. */
    @Override
    public TriggerResult flushInRound(long roundMillis, W window, TriggerContext ctx) throws Exception {
        begin(ctx);
        PendingBatch batch = state.readBatch(ctx.getPartitionedState(batchDesc));
        if (batch.isEmpty()) {
            return TriggerResult.CONTINUE;
        }
        boolean due = batch.hasTimer() && batch.timerMillis() <= roundMillis;
        return flushRequested(due ? FlushReason.atDeadline(batch.timerBound()) : FlushReason.ROUND, window, ctx);
    }

    /** Flushes the batch read last, which is not empty, on request. */
    private TriggerResult flushRequested(FlushReason reason, W window, TriggerContext ctx) throws Exception {
        if (state.deferredArrivals() > 0) { // recorded in the learned state
            state.readLearning(ctx.getPartitionedState(learningDesc));
            state.writeLearning();
        }
        return flush(reason, window, ctx);
    }

    @Override
    public boolean hasPending(W window, TriggerContext ctx) throws Exception {
        begin(ctx);
        return !state.readBatch(ctx.getPartitionedState(batchDesc)).isEmpty();
    }

    /** Fires the batch read last as {@code decision} (which ended the key's batch cycle) says. */
    private TriggerResult flush(FlushDecision decision, W window, TriggerContext ctx) throws Exception {
        state.writeLearning();
        return flush(decision.reason(), window, ctx);
    }

    /** Fires the batch read last. */
    private TriggerResult flush(FlushReason reason, W window, TriggerContext ctx) throws Exception {
        PendingBatch batch = state.batch();
        deleteTimers(batch, window, ctx);
        state.clearBatch();
        if (leavesTarget) {
            FlushTarget.leave(ctx.getPartitionedState(targetDesc), new FlushTarget(reason, state.plannedSize(),
                    state.plannedDeadline(), state.predictedWriteMillis()));
        }
        metrics.recordFlush(reason, batch.count());
        return TriggerResult.FIRE_AND_PURGE;
    }

    /** Removes the batch, both timers, the learned state, unconsumed feedback and an untaken flush target. */
    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        PendingBatch batch = new PendingBatch();
        batch.readFrom(ctx.getPartitionedState(batchDesc).value(), 0);
        deleteTimers(batch, window, ctx);
        ctx.getPartitionedState(batchDesc).clear();
        ctx.getPartitionedState(learningDesc).clear();
        ctx.getPartitionedState(feedbackDesc).clear();
        ctx.getPartitionedState(targetDesc).clear();
    }

    private void deleteTimers(PendingBatch batch, W window, TriggerContext ctx) {
        if (batch.hasTimer()) {
            ctx.deleteProcessingTimeTimer(batch.timerMillis());
            ctx.deleteEventTimeTimer(window.maxTimestamp());
        }
    }

    /** Sets up this instance on its first call; returns the current processing time. */
    private long begin(TriggerContext ctx) {
        if (policy == null) {
            policy = new AdaptivePolicy(config);
            decider = new FlushDecider(policy);
            writerLoad = policy.newWriterLoad();
            state = new AdaptiveTriggerState(policy);
            metrics = new AdaptiveTriggerMetrics(ctx.getMetricGroup(), metricsScope);
            replanMillis = Math.max(1, config.timerToleranceMillis());
        }
        return ctx.getCurrentProcessingTime();
    }

    /** Folds the feedback the window function left since the last flush into the key's learning. */
    private void consumeFeedback(TriggerContext ctx, KeyLearning learning, long now) throws Exception {
        double[] feedback = SinkFeedback.take(ctx.getPartitionedState(feedbackDesc));
        for (long i = 0, n = feedback == null ? 0 : Math.min(16, (long) feedback[0]); i < n; i++) {
            policy.onWriteAt(learning, Math.round(feedback[1]), feedback[2], feedback[3], now);
            writerLoad.add(feedback[2], now);
        }
    }

    /** The metrics of this trigger instance, or {@code null} before its first call. For tests. */
    AdaptiveTriggerMetrics metricsOrNull() { return metrics; }

    @Override
    public String toString() {
        return "AdaptiveBatchTrigger(slo=" + config.sloMillis() + "ms, maxSize=" + config.maxSize() + ", maxDelay="
                + config.maxDelayMillis() + "ms, jitter=" + jitter + ")";
    }
}
