package io.dynbatch.triggers;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

/**
 * Adds an end-of-input flush to any trigger: FIRE_AND_PURGE when the watermark reaches {@code
 * window.maxTimestamp()} while the window holds elements. Flink's {@code ProcessingTimeoutTrigger}
 * and {@code CountTrigger} never fire at the end of a bounded input (processing-time timers do not
 * fire then), so a bounded run would lose their last batch; wrapped, they can be compared with the
 * dynbatch triggers on the batching decisions alone.
 *
 * @param <T> element type
 * @param <W> window type
 */
public final class EndOfInputTrigger<T, W extends Window> extends Trigger<T, W> {

    private static final long serialVersionUID = 1L;

    private final Trigger<T, W> inner;
    private final ValueStateDescriptor<Boolean> pendingDesc =
            new ValueStateDescriptor<>("end-of-input-pending", BooleanSerializer.INSTANCE);

    private EndOfInputTrigger(Trigger<T, W> inner) {
        this.inner = inner;
    }

    public static <T, W extends Window> EndOfInputTrigger<T, W> of(Trigger<T, W> inner) {
        return new EndOfInputTrigger<>(inner);
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
        if (pending.value() == null) {
            pending.update(true);
            ctx.registerEventTimeTimer(window.maxTimestamp());
        }
        return afterInner(inner.onElement(element, timestamp, window, ctx), window, ctx);
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        return afterInner(inner.onProcessingTime(time, window, ctx), window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        if (time == window.maxTimestamp() && ctx.getPartitionedState(pendingDesc).value() != null) {
            clear(window, ctx);
            return TriggerResult.FIRE_AND_PURGE;
        }
        return afterInner(inner.onEventTime(time, window, ctx), window, ctx);
    }

    /** After a purge the window is empty: forget the pending flag and the end-of-input timer. */
    private TriggerResult afterInner(TriggerResult result, W window, TriggerContext ctx) throws Exception {
        if (result.isPurge()) {
            ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
            if (pending.value() != null) {
                pending.clear();
                ctx.deleteEventTimeTimer(window.maxTimestamp());
            }
        }
        return result;
    }

    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
        if (pending.value() != null) {
            pending.clear();
            ctx.deleteEventTimeTimer(window.maxTimestamp());
        }
        inner.clear(window, ctx);
    }

    @Override
    public String toString() {
        return "EndOfInputTrigger(" + inner + ")";
    }
}
