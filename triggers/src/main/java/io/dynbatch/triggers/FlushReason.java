package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.FlushPlan;

/** Why a batching trigger flushed a batch. The metric label is {@link #label()}. */
public enum FlushReason {
    /** The batch reached its size limit. */
    SIZE("size"),
    /** The batch's deadline (age limit from its first element) passed. */
    TIME("time"),
    /** The input ended (the watermark reached the window's max timestamp). */
    END_OF_INPUT("end_of_input"),
    /** An adaptive policy chose to flush before the hard limits (e.g. to meet a latency SLO). */
    ADAPTIVE("adaptive"),
    /** Another key of the operator subtask flushed, and this one joined its commit round ({@link CommitRoundTrigger}). */
    ROUND("round");

    private final String label;

    FlushReason(String label) {
        this.label = label;
    }

    /** Why a batch is flushed at a planned deadline set by {@code bound}: TIME for a hard cap, else ADAPTIVE. */
    public static FlushReason atDeadline(FlushPlan.Bound bound) {
        return bound.isHardCap() ? TIME : ADAPTIVE;
    }

    /** Lower-case name used as the {@code reason} metric variable. */
    public String label() {
        return label;
    }
}
