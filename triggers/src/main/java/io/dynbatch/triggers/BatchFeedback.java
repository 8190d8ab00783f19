package io.dynbatch.triggers;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;

/**
 * What a window function and the trigger that fires it tell each other about a batch, obtained from
 * the trigger ({@link AdaptiveBatchTrigger#feedback()}, or {@link #of} for any trigger) so that the
 * two cannot disagree. While emitting a fired batch the window function calls
 *
 * <pre>{@code
 * FlushTarget target = feedback.takeTarget(context.windowState()); // FlushTarget.NONE if none
 * // ... write and commit the batch ...
 * feedback.record(context.windowState(), batchEvents, writeTime);
 * }</pre>
 *
 * <p>{@link #takeTarget} removes why the trigger fired the batch and what it planned for it ({@link
 * FlushTarget}), left only by a trigger built {@code withFlushTarget()} (adaptive: reason, planned
 * size, deadline and predicted write time; static: reason and deadline; {@link EndOfInputTrigger}
 * around Flink's built-in triggers: reason, and a timer's time as deadline); {@link #record} reports
 * what the write cost ({@link SinkFeedback}), which only the adaptive trigger learns from. For any
 * other trigger the handle is {@link #NONE}: it touches no state, and {@code takeTarget} returns
 * {@link FlushTarget#NONE}. Serializable, so a window function keeps it as a field.
 */
public final class BatchFeedback implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The handle of a trigger that neither plans sizes nor learns costs. */
    public static final BatchFeedback NONE = new BatchFeedback(false, false);

    private final boolean recordsCost;
    private final boolean leavesTarget;

    BatchFeedback(boolean recordsCost, boolean leavesTarget) {
        this.recordsCost = recordsCost;
        this.leavesTarget = leavesTarget;
    }

    /**
     * The handle of {@code trigger}: its own if it is an {@link AdaptiveBatchTrigger}, a {@link
     * StaticBatchTrigger} (also inside a {@link CommitRoundTrigger}) or an {@link EndOfInputTrigger},
     * else {@link #NONE}.
     */
    public static BatchFeedback of(Trigger<?, ?> trigger) {
        if (trigger instanceof CommitRoundTrigger<?, ?> rounds) {
            return of(rounds.inner());
        }
        if (trigger instanceof EndOfInputTrigger<?, ?> endOfInput) {
            return endOfInput.feedback();
        }
        if (trigger instanceof AdaptiveBatchTrigger<?, ?> adaptive) {
            return adaptive.feedback();
        }
        return trigger instanceof StaticBatchTrigger<?, ?> fixed ? fixed.feedback() : NONE;
    }

    /** Whether the trigger leaves a {@link FlushTarget} for every batch it fires. */
    public boolean leavesTarget() {
        return leavesTarget;
    }

    /**
     * Removes and returns why the trigger fired the batch being fired and what it planned for it,
     * or {@link FlushTarget#NONE}.
     *
     * @param windowState {@code ProcessWindowFunction.Context#windowState()} of the fired window
     */
    public FlushTarget takeTarget(KeyedStateStore windowState) throws IOException {
        return leavesTarget ? FlushTarget.take(windowState) : FlushTarget.NONE;
    }

    /**
     * Reports that the batch of {@code events} elements (as the trigger counted them, before any
     * compaction) took {@code took} to write and commit.
     *
     * @param windowState {@code ProcessWindowFunction.Context#windowState()} of the fired window
     * @throws IllegalArgumentException if {@code events} or {@code took} is negative
     */
    public void record(KeyedStateStore windowState, long events, Duration took) throws IOException {
        if (recordsCost) {
            SinkFeedback.record(windowState, events, took);
        }
    }

    /**
     * As {@link #record(KeyedStateStore, long, Duration)}, for a batch committed in one transaction
     * with other keys' batches (group commit): {@code took} is the batch's share of the write time,
     * {@code transaction} the whole transaction's, which the batch's elements waited for.
     *
     * @throws IllegalArgumentException if a value is negative, or the transaction shorter than the share
     */
    public void record(KeyedStateStore windowState, long events, Duration took, Duration transaction)
            throws IOException {
        if (recordsCost) {
            SinkFeedback.record(windowState, events, took, transaction);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchFeedback other && other.recordsCost == recordsCost && other.leavesTarget == leavesTarget;
    }

    @Override
    public int hashCode() {
        return (recordsCost ? 2 : 0) + (leavesTarget ? 1 : 0);
    }

    @Override
    public String toString() {
        return "BatchFeedback(recordsCost=" + recordsCost + ", leavesTarget=" + leavesTarget + ")";
    }
}
