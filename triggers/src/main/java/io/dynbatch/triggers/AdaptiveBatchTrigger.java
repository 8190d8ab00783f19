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
 * <p><b>Cost feedback.</b> The window function reports each commit with {@link
 * SinkFeedback#record} on {@code context.windowState()}; the trigger consumes the sample at its
 * next call for that key and refines the key's learned cost {@code a + b * size}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>No batch exceeds {@code maxSize} elements or waits longer than {@code maxDelay} after its
 *       first element (up to timer-service lag); its estimated bytes stay within {@code
 *       maxPendingBytes} give or take one element.
 *   <li>Per key and window the state is O(1): the pending batch (six longs), what was learned about
 *       the key ({@link KeyLearning#STATE_SIZE} doubles) and at most one unconsumed feedback sample.
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
    private final String metricsArm;

    private final ValueStateDescriptor<long[]> batchDesc =
            new ValueStateDescriptor<>("adaptive-batch", LongPrimitiveArraySerializer.INSTANCE);
    private final ValueStateDescriptor<double[]> learningDesc =
            new ValueStateDescriptor<>("adaptive-learning", DoublePrimitiveArraySerializer.INSTANCE);
    private final ValueStateDescriptor<long[]> feedbackDesc = SinkFeedback.descriptor();

    /** Processing time of the current call; the policy's clock. */
    private transient long nowMillis;

    private transient AdaptivePolicy policy;
    /** Write time per ms of all keys of this operator instance (operator-local, not checkpointed). */
    private transient DecayedRate writerLoad;

    private transient BatchTriggerMetrics metrics;
    private transient AdaptiveTriggerGauges gauges;

    private AdaptiveBatchTrigger(
            AdaptivePolicyConfig config, KeyJitter<T> jitter, ElementWeigher<T> weigher, String metricsArm) {
        this.config = config;
        this.jitter = jitter;
        this.weigher = weigher;
        this.metricsArm = metricsArm;
    }

    /** An adaptive trigger with the given policy settings, no jitter, metrics arm {@code default}. */
    public static <T, W extends Window> AdaptiveBatchTrigger<T, W> of(AdaptivePolicyConfig config) {
        return new AdaptiveBatchTrigger<>(Objects.requireNonNull(config, "config"), KeyJitter.none(), null, "default");
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
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, metricsArm);
    }

    /** A copy of this trigger that reports its metrics with variable {@code arm=<arm>}. */
    public AdaptiveBatchTrigger<T, W> withMetricsArm(String arm) {
        return new AdaptiveBatchTrigger<>(config, jitter, weigher, StaticBatchTrigger.requireArm(arm));
    }

    /**
     * A copy of this trigger that weighs elements with {@code weigher} for the memory cap, instead of
     * assuming {@code assumedElementBytes} each.
     */
    public AdaptiveBatchTrigger<T, W> withElementWeigher(ElementWeigher<T> weigher) {
        return new AdaptiveBatchTrigger<>(config, jitter, Objects.requireNonNull(weigher, "weigher"), metricsArm);
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        begin(ctx);
        KeyLearning learning = learning(ctx);
        long ingest = timestamp == Long.MIN_VALUE ? nowMillis : timestamp;
        policy.onArrival(learning, 1, ingest);

        ValueState<long[]> batchState = ctx.getPartitionedState(batchDesc);
        PendingBatch batch = PendingBatch.fromArray(batchState.value());
        batch.add(1, ingest, bytesOf(element), nowMillis);
        gauges.added(1);

        double load = writerLoad.perMilli(nowMillis);
        FlushPlan plan = policy.plan(learning, batch, load);
        gauges.planned(plan, nowMillis, learning, load);

        if (batch.count() >= plan.flushAtSize()) {
            policy.onFlush(learning);
            saveLearning(ctx, learning);
            return flush(FlushReason.SIZE, batch, window, ctx);
        }
        long due = plan.deadlineMillis() - jitter.offsetMillis(element);
        if (due <= nowMillis) {
            if (batch.hasTimer() && nowMillis > batch.timerMillis()) {
                // The timer was due while the thread was busy; this element got here first.
                policy.onTimerLag(learning, nowMillis - batch.timerMillis());
            }
            policy.onFlush(learning);
            saveLearning(ctx, learning);
            return flush(plan.bound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE, batch, window, ctx);
        }
        saveLearning(ctx, learning);
        if (!batch.hasTimer()) {
            ctx.registerEventTimeTimer(window.maxTimestamp());
            ctx.registerProcessingTimeTimer(due);
            batch.setTimer(due, plan.bound());
        } else if (Math.abs(due - batch.timerMillis()) >= config.timerToleranceMillis()) {
            ctx.deleteProcessingTimeTimer(batch.timerMillis());
            ctx.registerProcessingTimeTimer(due);
            batch.setTimer(due, plan.bound());
        }
        batchState.update(batch.toArray());
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        PendingBatch batch = PendingBatch.fromArray(ctx.getPartitionedState(batchDesc).value());
        if (batch.isEmpty() || !batch.hasTimer() || batch.timerMillis() != time) {
            return TriggerResult.CONTINUE;
        }
        begin(ctx);
        KeyLearning learning = learning(ctx);
        policy.onTimerLag(learning, nowMillis - time);
        policy.onFlush(learning);
        saveLearning(ctx, learning);
        return flush(batch.timerBound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE, batch, window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        if (time != window.maxTimestamp()) {
            return TriggerResult.CONTINUE;
        }
        PendingBatch batch = PendingBatch.fromArray(ctx.getPartitionedState(batchDesc).value());
        if (batch.isEmpty()) {
            return TriggerResult.CONTINUE;
        }
        begin(ctx);
        return flush(FlushReason.END_OF_INPUT, batch, window, ctx);
    }

    private TriggerResult flush(FlushReason reason, PendingBatch batch, W window, TriggerContext ctx) throws Exception {
        clearBatch(batch, window, ctx);
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

    /** Removes the pending batch, both timers, the learned state and any unconsumed feedback. */
    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        clearBatch(PendingBatch.fromArray(ctx.getPartitionedState(batchDesc).value()), window, ctx);
        ctx.getPartitionedState(learningDesc).clear();
        ctx.getPartitionedState(feedbackDesc).clear();
    }

    private void begin(TriggerContext ctx) {
        nowMillis = ctx.getCurrentProcessingTime();
        if (policy == null) {
            policy = new AdaptivePolicy(config, () -> nowMillis);
            writerLoad = policy.newWriterLoad();
        }
        if (metrics == null) {
            metrics = new BatchTriggerMetrics(ctx.getMetricGroup(), metricsArm);
            gauges = new AdaptiveTriggerGauges(metrics.group());
        }
    }

    /** The key's learned state, with any feedback the window function left since the last call. */
    private KeyLearning learning(TriggerContext ctx) throws Exception {
        KeyLearning learning = policy.restore(ctx.getPartitionedState(learningDesc).value());
        double[] feedback = SinkFeedback.take(ctx.getPartitionedState(feedbackDesc));
        if (feedback != null) {
            long samples = Math.min(16, (long) feedback[0]);
            for (long i = 0; i < samples; i++) {
                policy.onWrite(learning, Math.round(feedback[1]), feedback[2]);
                writerLoad.add(feedback[2], nowMillis);
            }
        }
        return learning;
    }

    private void saveLearning(TriggerContext ctx, KeyLearning learning) throws Exception {
        ctx.getPartitionedState(learningDesc).update(learning.toArray());
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
