package io.dynbatch.triggers;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

import java.io.IOException;
import java.util.Objects;

/**
 * The channel through which an {@link AdaptiveBatchTrigger} tells the window function what size it
 * planned for the batch it fires: the size its last plan expected the batch to reach at its
 * deadline ({@code FlushPlan#expectedSize}). The window function reads it with the trigger's
 * {@link BatchFeedback#takeTarget}, which looks for it only if the trigger leaves it, or directly:
 *
 * <pre>{@code
 * long target = FlushTarget.take(context.windowState()); // -1 if none
 * }</pre>
 *
 * <p>and can put it next to the size it committed, so that how well the policy predicts its own
 * batches can be seen per batch. Like {@link SinkFeedback} (the other direction), it is
 * window-scoped keyed state: the trigger writes it just before it fires, the window function
 * removes it while the batch is emitted, so nothing stays behind between batches. Triggers that
 * plan no size (the static ones) write nothing, and {@link #take} returns -1.
 */
public final class FlushTarget {

    /** Name of the window-scoped state holding the planned size of the batch being fired. */
    public static final String STATE_NAME = "dynbatch-flush-target";

    /** What {@link #take} returns when the trigger planned no size. */
    public static final long NONE = -1;

    private FlushTarget() {}

    /** A new descriptor of the state. */
    public static ValueStateDescriptor<Long> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, LongSerializer.INSTANCE);
    }

    /** Leaves {@code target} for the window function, or removes any stale value for {@link #NONE}. */
    static void leave(ValueState<Long> state, long target) throws IOException {
        if (target == NONE) {
            state.clear();
        } else {
            state.update(target);
        }
    }

    /**
     * Removes and returns the planned size of the batch being fired, or {@link #NONE}.
     *
     * @param windowState {@code ProcessWindowFunction.Context#windowState()} of the fired window
     */
    public static long take(KeyedStateStore windowState) throws IOException {
        Objects.requireNonNull(windowState, "windowState");
        ValueState<Long> state = windowState.getState(descriptor());
        Long target = state.value();
        if (target == null) {
            return NONE;
        }
        state.clear();
        return target;
    }
}
