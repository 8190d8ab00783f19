package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.parse.RouteLateEvents;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One shard's running per-row totals in keyed state, bounded: rows whose minute has closed (its
 * end is at or before {@code watermark - allowedLateness}) are pruned. The oldest minute still in
 * state is tracked, so a prune pass runs only when something can actually be pruned (about once
 * per minute per shard), not on every batch.
 *
 * <p>Safe because {@code RouteLateEvents} dead-letters every event older than its (upstream, hence
 * higher or equal) watermark minus the same allowed lateness: no event for a pruned row reaches
 * the shard afterwards.
 */
final class RowTotalsState {

    static final long MINUTE_MILLIS = 60_000L;

    private final MapState<RowKey, Long> totals;
    private final ValueState<Long> oldestMinute;
    private final ValueState<Long> prunedBelow;
    private final long allowedLatenessMillis;

    RowTotalsState(RuntimeContext context, long allowedLatenessMillis) {
        this.totals = context.getMapState(
                new MapStateDescriptor<>("row-totals", TypeInformation.of(RowKey.class), Types.LONG));
        this.oldestMinute = context.getState(new ValueStateDescriptor<>("oldest-minute", Types.LONG));
        this.prunedBelow = context.getState(new ValueStateDescriptor<>("pruned-below", Types.LONG));
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    /**
     * The horizon below which rows are closed here: the highest horizon this shard ever pruned with
     * ({@code Long.MIN_VALUE} if none). A row ending at or before it ({@link #isClosed}) had its total
     * pruned from state, so writing it would start from zero and the guard would drop it: its events
     * must be dead-lettered as late instead. (Normally the late-event router stops them first; this
     * holds whatever the upstream watermark did, e.g. after a restore.) Read once per batch.
     */
    long closedBelow() throws Exception {
        Long below = prunedBelow.value();
        return below == null ? Long.MIN_VALUE : below;
    }

    static boolean isClosed(RowKey row, long closedBelow) {
        return closedBelow != Long.MIN_VALUE && row.minute + MINUTE_MILLIS <= closedBelow;
    }

    /** The row's total so far (0 if new). */
    long get(RowKey row) throws Exception {
        Long total = totals.get(row);
        return total == null ? 0L : total;
    }

    /**
     * Stores the committed totals of a batch's rows (those whose {@code committed} flag is set): one
     * state write per row, and the oldest minute in state updated once per batch.
     */
    void putCommitted(List<RowKey> rows, long[] newTotals, boolean[] committed) throws Exception {
        long oldestWritten = Long.MAX_VALUE;
        for (int r = 0; r < rows.size(); r++) {
            if (committed[r]) {
                totals.put(rows.get(r), newTotals[r]);
                oldestWritten = Math.min(oldestWritten, rows.get(r).minute);
            }
        }
        if (oldestWritten != Long.MAX_VALUE) {
            Long oldest = oldestMinute.value();
            if (oldest == null || oldestWritten < oldest) {
                oldestMinute.update(oldestWritten);
            }
        }
    }

    /**
     * Removes the rows whose minute closed before {@code watermark - allowedLateness}. The final
     * watermark ({@code Long.MAX_VALUE}, end of input or {@code stop --drain}) prunes nothing: the
     * job may be resumed from the savepoint that follows and add to the same rows.
     *
     * @return rows removed
     */
    int pruneClosedRows(long watermark) throws Exception {
        Long oldest = oldestMinute.value();
        if (oldest == null || watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE) {
            return 0; // MAX: end of input or a draining stop; a resumed job may still add to these rows
        }
        long horizon = RouteLateEvents.lateBound(watermark, allowedLatenessMillis); // the late router's bound
        if (oldest + MINUTE_MILLIS > horizon) {
            return 0;
        }
        Long below = prunedBelow.value();
        if (below == null || horizon > below) {
            prunedBelow.update(horizon);
        }
        int removed = 0;
        long stillOldest = Long.MAX_VALUE;
        for (Iterator<Map.Entry<RowKey, Long>> it = totals.iterator(); it.hasNext(); ) {
            long minute = it.next().getKey().minute;
            if (minute + MINUTE_MILLIS <= horizon) {
                it.remove();
                removed++;
            } else {
                stillOldest = Math.min(stillOldest, minute);
            }
        }
        if (stillOldest == Long.MAX_VALUE) {
            oldestMinute.clear();
        } else {
            oldestMinute.update(stillOldest);
        }
        return removed;
    }
}
