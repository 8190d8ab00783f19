package io.dynbatch.triggers.policy;

import io.dynbatch.triggers.FlushReason;

import java.util.Objects;

/**
 * The one decision step of the adaptive batching: given a key's learning and its pending batch,
 * flush now, arm (or move) the batch's timer, or keep it. {@code AdaptiveBatchTrigger} and the
 * simulator's adaptive arm both call it, so what the simulator shows is what the trigger does; they
 * differ only in how they carry state, timers and the sink's feedback.
 *
 * <ul>
 *   <li>After elements were added ({@link #afterAdd}): record the arrival, re-plan, and flush if the
 *       batch reached the planned size ({@link #atSize}: {@link FlushReason#SIZE} at maxSize, {@link
 *       FlushReason#MEMORY_CAP} at the lower size maxPendingBytes allows, {@link
 *       FlushReason#UTILISATION} at the policy's own lower size, the batch the writer affords when the
 *       plan is in the past) or if the (jittered) deadline has passed (the reason of the bound that
 *       set it, {@link FlushReason#atDeadline}: {@link FlushReason#LATENCY}, {@link
 *       FlushReason#UTILISATION}, {@link FlushReason#MAX_DELAY} or {@link FlushReason#BACKLOG}; a
 *       timer that was already due counts as timer lag); else arm the timer at the deadline, unless
 *       the batch's timer is within the timer tolerance of it.
 *   <li>When the timer fires ({@link #onTimer}): record its lateness and flush, for the reason of
 *       the bound that set it.
 *   <li>When the caller found the batch at its size cap without re-planning ({@link #atSizeCap}):
 *       flush, SIZE or MEMORY_CAP.
 * </ul>
 *
 * The reasons only label a decision; they never change it.
 *
 * Every flush decided here ends the key's batch cycle ({@link AdaptivePolicy#onFlushAt}). The
 * caller flushes, (re)registers the timer and records it with {@link PendingBatch#setTimer}.
 */
public final class FlushDecider {

    private final AdaptivePolicy policy;

    public FlushDecider(AdaptivePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public AdaptivePolicy policy() {
        return policy;
    }

    /**
     * {@code added} elements ingested at {@code ingestMillis} were just added to {@code batch} (it
     * holds them) at {@code now}.
     *
     * @param writerLoad the subtask's total write time per millisecond (all keys)
     * @param jitterMillis how much earlier than planned this key's timers fire (0 for none)
     */
    public FlushDecision afterAdd(KeyLearning k, PendingBatch batch, long added, long ingestMillis,
            double writerLoad, long jitterMillis, long now) {
        return afterAdd(k, batch, added, ingestMillis, writerLoad, deadline -> deadline - jitterMillis, now);
    }

    /**
     * As {@link #afterAdd(KeyLearning, PendingBatch, long, long, double, long, long)}, with the key's
     * timer for a planned deadline given by {@code timerAt} (earlier by a jitter, or aligned to a grid;
     * never later than the deadline).
     */
    public FlushDecision afterAdd(KeyLearning k, PendingBatch batch, long added, long ingestMillis,
            double writerLoad, java.util.function.LongUnaryOperator timerAt, long now) {
        policy.onArrivalAt(k, added, ingestMillis, now);
        FlushPlan plan = policy.planAt(k, batch, writerLoad, now);
        if (batch.count() >= plan.flushAtSize()) {
            policy.onFlushAt(k, now);
            long sizeCap = policy.sizeCap(batch);
            return FlushDecision.flush(plan.flushAtSize() < sizeCap ? FlushReason.UTILISATION : atSize(batch), plan);
        }
        long due = timerAt.applyAsLong(plan.deadlineMillis());
        if (due <= now) {
            if (batch.hasTimer() && now > batch.timerMillis()) { // due while the thread was busy
                policy.onTimerLag(k, now - batch.timerMillis());
            }
            policy.onFlushAt(k, now);
            return FlushDecision.flush(FlushReason.atDeadline(plan.bound()), plan);
        }
        if (!batch.hasTimer() || Math.abs(due - batch.timerMillis()) >= policy.config().timerToleranceMillis()) {
            return FlushDecision.arm(due, plan);
        }
        return FlushDecision.keep(plan);
    }

    /** The batch's timer fired at {@code now} (possibly after its due time): flush. */
    public FlushDecision onTimer(KeyLearning k, PendingBatch batch, long now) {
        policy.onTimerLag(k, now - batch.timerMillis());
        policy.onFlushAt(k, now);
        return FlushDecision.flush(FlushReason.atDeadline(batch.timerBound()), null);
    }

    /** {@code batch} reached its size or memory cap without a re-plan (the caller checked): flush. */
    public FlushDecision atSizeCap(KeyLearning k, PendingBatch batch, long now) {
        policy.onFlushAt(k, now);
        return FlushDecision.flush(atSize(batch), null);
    }

    /**
     * Why a batch at its size cap ({@link AdaptivePolicy#sizeCap}) flushes: {@link FlushReason#SIZE}
     * if it holds maxSize elements, else {@link FlushReason#MEMORY_CAP} (maxPendingBytes lowered the
     * cap below maxSize).
     */
    public FlushReason atSize(PendingBatch batch) {
        return batch.count() >= policy.config().maxSize() ? FlushReason.SIZE : FlushReason.MEMORY_CAP;
    }
}
