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
 * <p>Built {@link #withFlushTarget()}, it also says why each batch fired ({@link FlushTarget}, taken
 * by the window function through {@link #feedback()}), from the callback that fired it: on an
 * element {@link FlushReason#SIZE} (the count trigger's limit), on a processing-time timer {@link
 * FlushReason#MAX_DELAY} (the timeout trigger's delay; the timer's time is the planned deadline), at
 * the end of input {@link FlushReason#END_OF_INPUT}. For other inner triggers the labels mean the
 * same callbacks.
 *
 * @param <T> element type
 * @param <W> window type
 */
public final class EndOfInputTrigger<T, W extends Window> extends Trigger<T, W> {

    private static final long serialVersionUID = 1L;

    private final Trigger<T, W> inner;
    private final boolean leavesTarget;
    private final ValueStateDescriptor<Boolean> pendingDesc =
            new ValueStateDescriptor<>("end-of-input-pending", BooleanSerializer.INSTANCE);
    private final ValueStateDescriptor<FlushTarget> targetDesc = FlushTarget.descriptor();

    private EndOfInputTrigger(Trigger<T, W> inner, boolean leavesTarget) {
        this.inner = inner;
        this.leavesTarget = leavesTarget;
    }

    public static <T, W extends Window> EndOfInputTrigger<T, W> of(Trigger<T, W> inner) {
        return new EndOfInputTrigger<>(inner, false);
    }

    /**
     * The same trigger, also leaving the reason of every firing (and a timer's time as its planned
     * deadline) as a {@link FlushTarget} for the window function's {@link #feedback()}.
     */
    public EndOfInputTrigger<T, W> withFlushTarget() {
        return new EndOfInputTrigger<>(inner, true);
    }

    /** The window function's handle: takes the flush target if {@link #withFlushTarget()}; no cost feedback. */
    public BatchFeedback feedback() {
        return leavesTarget ? new BatchFeedback(false, true) : BatchFeedback.NONE;
    }

    @Override
    public TriggerResult onElement(T element, long timestamp, W window, TriggerContext ctx) throws Exception {
        ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
        if (pending.value() == null) {
            pending.update(true);
            ctx.registerEventTimeTimer(window.maxTimestamp());
        }
        return afterInner(inner.onElement(element, timestamp, window, ctx), FlushReason.SIZE, FlushTarget.NO_VALUE,
                window, ctx);
    }

    @Override
    public TriggerResult onProcessingTime(long time, W window, TriggerContext ctx) throws Exception {
        return afterInner(inner.onProcessingTime(time, window, ctx), FlushReason.MAX_DELAY, time, window, ctx);
    }

    @Override
    public TriggerResult onEventTime(long time, W window, TriggerContext ctx) throws Exception {
        if (time == window.maxTimestamp() && ctx.getPartitionedState(pendingDesc).value() != null) {
            clear(window, ctx);
            leave(FlushReason.END_OF_INPUT, FlushTarget.NO_VALUE, ctx);
            return TriggerResult.FIRE_AND_PURGE;
        }
        return afterInner(inner.onEventTime(time, window, ctx), FlushReason.MAX_DELAY, time, window, ctx);
    }

    /**
     * After a firing, leaves {@code reason} and {@code plannedDeadline} as the batch's flush target;
     * after a purge the window is empty: forgets the pending flag and the end-of-input timer.
     */
    private TriggerResult afterInner(TriggerResult result, FlushReason reason, long plannedDeadline, W window,
            TriggerContext ctx) throws Exception {
        if (result.isFire()) {
            leave(reason, plannedDeadline, ctx);
        }
        if (result.isPurge()) {
            ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
            if (pending.value() != null) {
                pending.clear();
                ctx.deleteEventTimeTimer(window.maxTimestamp());
            }
        }
        return result;
    }

    /** Leaves the flush target if built {@link #withFlushTarget()}; allocates nothing otherwise or per element. */
    private void leave(FlushReason reason, long plannedDeadline, TriggerContext ctx) throws Exception {
        if (leavesTarget) {
            FlushTarget.leave(ctx.getPartitionedState(targetDesc),
                    new FlushTarget(reason, FlushTarget.NO_VALUE, plannedDeadline, Double.NaN));
        }
    }

    /** Removes the pending flag, the end-of-input timer, an untaken flush target and the inner trigger's state. */
    @Override
    public void clear(W window, TriggerContext ctx) throws Exception {
        ValueState<Boolean> pending = ctx.getPartitionedState(pendingDesc);
        if (pending.value() != null) {
            pending.clear();
            ctx.deleteEventTimeTimer(window.maxTimestamp());
        }
        if (leavesTarget) {
            ctx.getPartitionedState(targetDesc).clear();
        }
        inner.clear(window, ctx);
    }

    @Override
    public String toString() {
        return "EndOfInputTrigger(" + inner + (leavesTarget ? ", flushTarget" : "") + ")";
    }
}
