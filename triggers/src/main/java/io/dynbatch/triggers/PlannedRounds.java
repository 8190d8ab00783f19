package io.dynbatch.triggers;

import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The flush timers the keys of one operator subtask have set, for {@link CommitRoundTrigger}: every
 * processing-time timer an inner trigger registers or deletes passes through {@link #watching}, so
 * when the timer service reaches a tick, {@link #isRound} can say whether some key's own timer is
 * due by then, and every key asked at that tick gets the same answer, whichever order the timer
 * service calls them in. Per trigger instance (one per subtask), not checkpointed: after a restore
 * the keys' timers are known again as they are set. Not thread-safe (a trigger runs on its task's
 * thread).
 */
final class PlannedRounds {

    private final TreeMap<Long, Integer> planned = new TreeMap<>();
    private final Watching watching = new Watching();
    private long dueBy = Long.MIN_VALUE;
    private boolean round;
    private long timersSet;

    /** {@code ctx}, with the processing-time timers set or deleted through it noted here. */
    Trigger.TriggerContext watching(Trigger.TriggerContext ctx) {
        watching.ctx = ctx;
        return watching;
    }

    /** How many processing-time timers were set through {@link #watching} so far (a running count). */
    long timersSet() {
        return timersSet;
    }

    /**
     * Whether some key's own timer is due at or before {@code time}: then the keys flush together
     * now. Every key asking with the same {@code time} gets the same answer; the timers due by then
     * are no longer planned (their keys flush now).
     */
    boolean isRound(long time) {
        if (time != dueBy) {
            dueBy = time;
            SortedMap<Long, Integer> due = planned.headMap(time, true);
            round = !due.isEmpty();
            due.clear();
        }
        return round;
    }

    /** A trigger context that tells this board about the processing-time timers set through it. */
    private final class Watching implements Trigger.TriggerContext {
        private Trigger.TriggerContext ctx;

        @Override
        public void registerProcessingTimeTimer(long time) {
            timersSet++;
            if (time > dueBy) {
                planned.merge(time, 1, Integer::sum);
            }
            ctx.registerProcessingTimeTimer(time);
        }

        @Override
        public void deleteProcessingTimeTimer(long time) {
            planned.computeIfPresent(time, (t, n) -> n > 1 ? n - 1 : null);
            ctx.deleteProcessingTimeTimer(time);
        }

        @Override
        public long getCurrentProcessingTime() {
            return ctx.getCurrentProcessingTime();
        }

        @Override
        public MetricGroup getMetricGroup() {
            return ctx.getMetricGroup();
        }

        @Override
        public long getCurrentWatermark() {
            return ctx.getCurrentWatermark();
        }

        @Override
        public void registerEventTimeTimer(long time) {
            ctx.registerEventTimeTimer(time);
        }

        @Override
        public void deleteEventTimeTimer(long time) {
            ctx.deleteEventTimeTimer(time);
        }

        @Override
        public <S extends State> S getPartitionedState(StateDescriptor<S, ?> stateDescriptor) {
            return ctx.getPartitionedState(stateDescriptor);
        }
    }
}
