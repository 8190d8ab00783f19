package io.dynbatch.triggers.policy;

import io.dynbatch.triggers.FlushReason;

import java.util.Objects;

/**
 * What {@link FlushDecider} decided for one key's batch: flush it now (with a reason), arm its timer
 * for a time (a first timer, or one moved by at least the timer tolerance), or keep the timer it
 * has.
 *
 * @param action what to do
 * @param reason why to flush, for {@link Action#FLUSH}; else {@code null}
 * @param timerMillis when the timer should fire, for {@link Action#ARM}; else {@link
 *     PendingBatch#NO_TIMER}
 * @param plan the plan the decision follows, or {@code null} when a timer fired (no re-plan)
 */
public record FlushDecision(Action action, FlushReason reason, long timerMillis, FlushPlan plan) {

    /** The three outcomes. */
    public enum Action {
        /** Flush the batch now. */
        FLUSH,
        /** (Re-)arm the batch's timer at {@link #timerMillis()}. */
        ARM,
        /** Keep waiting on the timer the batch has. */
        KEEP
    }

    public FlushDecision {
        Objects.requireNonNull(action, "action");
        if ((action == Action.FLUSH) != (reason != null)) {
            throw new IllegalArgumentException("a flush, and only a flush, has a reason");
        }
    }

    static FlushDecision flush(FlushReason reason, FlushPlan plan) {
        return new FlushDecision(Action.FLUSH, Objects.requireNonNull(reason, "reason"), PendingBatch.NO_TIMER, plan);
    }

    static FlushDecision arm(long timerMillis, FlushPlan plan) {
        return new FlushDecision(Action.ARM, null, timerMillis, plan);
    }

    static FlushDecision keep(FlushPlan plan) {
        return new FlushDecision(Action.KEEP, null, PendingBatch.NO_TIMER, plan);
    }

    public boolean flushes() {
        return action == Action.FLUSH;
    }

    /** The timer's bound for {@link Action#ARM}: which constraint set the planned deadline. */
    public FlushPlan.Bound bound() {
        return plan == null ? null : plan.bound();
    }
}
