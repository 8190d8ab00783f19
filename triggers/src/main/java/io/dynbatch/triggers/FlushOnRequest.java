package io.dynbatch.triggers;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.Window;

/**
 * A batching trigger that can be asked to flush the current key's pending batch before its own
 * limits say so ({@link CommitRoundTrigger} asks when the key joins a commit round). The trigger
 * flushes as it would on its own, recording {@code reason} and keeping what it learned across
 * batches; only the pending batch and its timers go.
 *
 * @param <W> window type
 */
public interface FlushOnRequest<W extends Window> {

    /** FIRE_AND_PURGE with the batch's state and timers removed, or CONTINUE if the key has no pending batch. */
    TriggerResult flushNow(FlushReason reason, W window, Trigger.TriggerContext ctx) throws Exception;

    /**
     * As {@link #flushNow} when the key's batch joins a commit round at {@code roundMillis}: the
     * reason is the key's own (as its timer would give) if its own flush timer is due by then, else
     * {@link FlushReason#ROUND}. The default flushes with ROUND.
     */
    default TriggerResult flushInRound(long roundMillis, W window, Trigger.TriggerContext ctx) throws Exception {
        return flushNow(FlushReason.ROUND, window, ctx);
    }

    /** Whether the current key has a pending batch (one keyed-state read). */
    boolean hasPending(W window, Trigger.TriggerContext ctx) throws Exception;
}
