package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.FlushPlan;

/**
 * Why a batching trigger flushed a batch. The label ({@link #label()}, lower case) is the value of
 * the {@code reason} metric variable, of the receipts' and the batch log's {@code reason}, and is
 * stable: dashboards and alerts select on it.
 *
 * <p>Which trigger gives which: the static trigger (and {@link EndOfInputTrigger} around Flink's
 * built-in count and timeout triggers) {@link #SIZE}, {@link #MAX_DELAY} and {@link
 * #END_OF_INPUT}; the adaptive trigger any of the first seven ({@link io.dynbatch.triggers.policy.FlushDecider}
 * decides all but end of input); {@link CommitRoundTrigger} {@link #ROUND} for a key that flushed
 * only because another key's deadline came.
 */
public enum FlushReason {
    /** The batch reached maxSize (the size cap). */
    SIZE("size"),
    /** The batch reached the memory cap: maxPendingBytes lowered the size cap below maxSize. */
    MEMORY_CAP("memory_cap"),
    /** The latency deadline came: later, the batch's oldest element would miss the SLO. */
    LATENCY("latency"),
    /**
     * The writer-utilisation floor set the flush: a deadline the floor put after the latency deadline,
     * or the size a batch whose deadline is already past waits for (the batch the writer affords).
     */
    UTILISATION("utilisation"),
    /** Backlog drain: arrivals are already older than the SLO, batches wait up to maxDelay (or the size cap). */
    BACKLOG("backlog"),
    /** The batch's age limit came: the static trigger's delay, the adaptive trigger's maxDelay. */
    MAX_DELAY("max_delay"),
    /** The input ended (the watermark reached the window's max timestamp). */
    END_OF_INPUT("end_of_input"),
    /**
     * Another key of the operator subtask came due, and this one joined its commit round ({@link
     * CommitRoundTrigger}) before its own limits said so.
     */
    ROUND("round");

    private static final FlushReason[] VALUES = values();

    private final String label;

    FlushReason(String label) {
        this.label = label;
    }

    /** Why a batch is flushed at a planned deadline set by {@code bound}. */
    public static FlushReason atDeadline(FlushPlan.Bound bound) {
        return switch (bound) {
            case LATENCY -> LATENCY;
            case UTILISATION -> UTILISATION;
            case MAX_DELAY -> MAX_DELAY;
            case BACKLOG -> BACKLOG;
        };
    }

    /**
     * The reason whose {@link #label()} is {@code label}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static FlushReason ofLabel(String label) {
        for (FlushReason r : VALUES) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no flush reason labelled " + label);
    }

    /** Lower-case name used as the {@code reason} metric variable. */
    public String label() {
        return label;
    }
}
