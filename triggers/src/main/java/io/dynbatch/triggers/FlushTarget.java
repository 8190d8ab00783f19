package io.dynbatch.triggers;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

import java.io.IOException;
import java.util.Objects;

/**
 * What a batching trigger tells the window function about the batch it fires: why it fired, and
 * what it had planned. Left by a trigger built {@code withFlushTarget()} ({@link
 * AdaptiveBatchTrigger#withFlushTarget()}, {@link StaticBatchTrigger#withFlushTarget()}) just
 * before it fires, and taken by the window function with the trigger's {@link
 * BatchFeedback#takeTarget}, or directly:
 *
 * <pre>{@code
 * FlushTarget target = FlushTarget.take(context.windowState()); // FlushTarget.NONE if none
 * }</pre>
 *
 * <p>so that each receipt can say why its batch was written and how well the plan predicted it.
 * Like {@link SinkFeedback} (the other direction), it is window-scoped keyed state: the trigger
 * writes it just before it fires, the window function removes it while the batch is emitted, so it
 * never outlives one firing and never holds a value in a checkpoint (its type can change freely;
 * the state is named anew, {@value #STATE_NAME}, whenever it does, so that a restored empty state
 * of the earlier type is not checked against the new serializer). Serialized by {@link
 * FlushTargetSerializer}, not Kryo.
 *
 * @param reason why the batch was flushed; {@code null} only in {@link #NONE}
 * @param plannedSize the size the trigger's last plan expected the batch to reach ({@code
 *     FlushPlan#expectedSize}), {@link #NO_VALUE} if it plans none (the static trigger)
 * @param plannedDeadlineMillis the deadline (processing time, epoch ms) the trigger had set for the
 *     batch: the adaptive trigger's last planned deadline, the static trigger's timer; {@link
 *     #NO_VALUE} if none
 * @param predictedWriteMillis the write time the adaptive trigger's cost model predicted for a batch
 *     of {@code plannedSize} ({@code FlushPlan#predictedWriteMillis}); {@code NaN} if none
 */
public record FlushTarget(FlushReason reason, long plannedSize, long plannedDeadlineMillis,
        double predictedWriteMillis) {

    /**
     * Name of the window-scoped state holding the target of the batch being fired (the long-valued
     * state of the earlier layout was {@code dynbatch-flush-target}).
     */
    public static final String STATE_NAME = "dynbatch-flush-plan";

    /** {@link #plannedSize} or {@link #plannedDeadlineMillis} when the trigger planned none. */
    public static final long NO_VALUE = -1;

    /** What {@link #take} returns when the trigger left nothing: no reason, nothing planned. */
    public static final FlushTarget NONE = new FlushTarget(null, NO_VALUE, NO_VALUE, Double.NaN);

    /** A target with a reason and nothing planned. */
    public static FlushTarget of(FlushReason reason) {
        return new FlushTarget(Objects.requireNonNull(reason, "reason"), NO_VALUE, NO_VALUE, Double.NaN);
    }

    /** The reason's label ({@link FlushReason#label()}), or {@code null} for {@link #NONE}. */
    public String reasonLabel() {
        return reason == null ? null : reason.label();
    }

    /** Whether a size was planned. */
    public boolean hasPlannedSize() {
        return plannedSize != NO_VALUE;
    }

    /** A new descriptor of the state. */
    public static ValueStateDescriptor<FlushTarget> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, FlushTargetSerializer.INSTANCE);
    }

    /** Leaves {@code target} for the window function. */
    static void leave(ValueState<FlushTarget> state, FlushTarget target) throws IOException {
        state.update(Objects.requireNonNull(target, "target"));
    }

    /**
     * Removes and returns the target of the batch being fired, or {@link #NONE}.
     *
     * @param windowState {@code ProcessWindowFunction.Context#windowState()} of the fired window
     */
    public static FlushTarget take(KeyedStateStore windowState) throws IOException {
        Objects.requireNonNull(windowState, "windowState");
        ValueState<FlushTarget> state = windowState.getState(descriptor());
        FlushTarget target = state.value();
        if (target == null) {
            return NONE;
        }
        state.clear();
        return target;
    }
}
