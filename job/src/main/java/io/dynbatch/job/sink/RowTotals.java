package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.parse.Lateness;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The running per-row totals of every window key of one subtask, on the heap, and checkpointed as
 * union operator state that each subtask filters by key group on restore, so they follow their keys
 * through a rescale exactly as keyed state would.
 *
 * <p>Why not keyed state: a batch reads and writes the total of each of its rows. On RocksDB that is
 * a get and a put per row (a JNI call, a serializer round trip and a memtable write each), which at
 * small batches costs more than the batch's own list-state appends. Here a batch touches a hash map
 * and a checkpoint copies the map once ({@code snapshot}, called from the window function's {@code
 * snapshotState}, before the keyed state backend takes its snapshot at the same barrier), so the
 * totals and the window contents in a checkpoint are of the same instant.
 *
 * <p>Requires that each row belongs to one window key (true for the shard key, a function of page
 * and event type, and for the page key of the tumbling arm): rows are stored by row, with the key
 * group of the key that wrote them.
 *
 * <p>Bounded: rows whose minute has closed (its end at or before {@code watermark -
 * allowedLateness}) are pruned; the oldest minute held is tracked, so a prune pass runs only when
 * something can be pruned (about once per minute). The horizon pruned with is remembered per key
 * group ({@link #closedBelow}), so a row of a pruned minute is never written again from zero.
 */
final class RowTotals implements BatchCommitter.Totals {

    static final long MINUTE_MILLIS = 60_000L;

    static final ListStateDescriptor<Tuple3<Integer, RowKey, Long>> ROWS = new ListStateDescriptor<>(
            "row-totals-by-key-group", Types.TUPLE(Types.INT, TypeInformation.of(RowKey.class), Types.LONG));
    static final ListStateDescriptor<Tuple2<Integer, Long>> HORIZONS = new ListStateDescriptor<>(
            "pruned-below-by-key-group", Types.TUPLE(Types.INT, Types.LONG));

    /** A row's total and the key group of the key it belongs to. */
    private static final class Total {
        final int keyGroup;
        long value;

        Total(int keyGroup, long value) {
            this.keyGroup = keyGroup;
            this.value = value;
        }
    }

    private final Map<RowKey, Total> totals = new HashMap<>();
    private final int maxParallelism;
    private final KeyGroupRange keyGroups;
    /** Per key group of this subtask, the highest horizon its rows were pruned with. */
    private final long[] prunedBelow;
    private final long allowedLatenessMillis;
    private final ListState<Tuple3<Integer, RowKey, Long>> rowsState;
    private final ListState<Tuple2<Integer, Long>> horizonsState;
    private long oldestMinute = Long.MAX_VALUE;

    private RowTotals(OperatorStateStore store, TaskInfo task, long allowedLatenessMillis) throws Exception {
        this.maxParallelism = task.getMaxNumberOfParallelSubtasks();
        this.keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        this.prunedBelow = new long[keyGroups.getNumberOfKeyGroups()];
        Arrays.fill(prunedBelow, Long.MIN_VALUE);
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.rowsState = store.getUnionListState(ROWS);
        this.horizonsState = store.getUnionListState(HORIZONS);
    }

    /**
     * This subtask's totals: those of its key groups among everything the last checkpoint held (all
     * subtasks' entries reach every subtask), or none on a fresh start.
     */
    static RowTotals restore(OperatorStateStore store, TaskInfo task, long allowedLatenessMillis) throws Exception {
        RowTotals t = new RowTotals(store, task, allowedLatenessMillis);
        for (Tuple3<Integer, RowKey, Long> row : t.rowsState.get()) {
            if (t.keyGroups.contains(row.f0)) {
                t.totals.put(row.f1, new Total(row.f0, row.f2));
                t.oldestMinute = Math.min(t.oldestMinute, row.f1.minute);
            }
        }
        for (Tuple2<Integer, Long> horizon : t.horizonsState.get()) {
            if (t.keyGroups.contains(horizon.f0)) {
                t.raiseHorizon(horizon.f0, horizon.f1);
            }
        }
        return t;
    }

    /** The key group of a window key (what the rows it writes are checkpointed with). */
    int keyGroupOf(Object key) {
        return KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
    }

    /**
     * The horizon below which the rows of {@code keyGroup} are closed: the highest horizon they were
     * ever pruned with ({@code Long.MIN_VALUE} if none). A row ending at or before it ({@link
     * #isClosed}) had its total pruned, so writing it would start from zero and the guard would drop
     * it: its events must be dead-lettered as late instead. (Normally the late-event router stops
     * them first; this holds whatever the upstream watermark did, e.g. after a restore.)
     */
    @Override
    public long closedBelow(int keyGroup) {
        return prunedBelow[keyGroup - keyGroups.getStartKeyGroup()];
    }

    static boolean isClosed(RowKey row, long closedBelow) {
        return Lateness.isLate(row.minute + MINUTE_MILLIS, closedBelow);
    }

    /** The row's total so far (0 if new). */
    @Override
    public long get(RowKey row) {
        Total total = totals.get(row);
        return total == null ? 0L : total.value;
    }

    /** Sets a row's total (also for rows carried over from an older state layout). */
    @Override
    public void put(int keyGroup, RowKey row, long total) {
        Total t = totals.get(row);
        if (t == null) {
            totals.put(row, new Total(keyGroup, total));
            oldestMinute = Math.min(oldestMinute, row.minute);
        } else {
            t.value = total;
        }
    }

    /** Raises a key group's pruned horizon to at least {@code horizon}. */
    void raiseHorizon(int keyGroup, long horizon) {
        int i = keyGroup - keyGroups.getStartKeyGroup();
        prunedBelow[i] = Math.max(prunedBelow[i], horizon);
    }

    /**
     * Removes the rows whose minute closed before {@code watermark - allowedLateness} (the watermark is
     * the operator's, so this holds for every key of the subtask). The final watermark ({@code
     * Long.MAX_VALUE}, end of input or {@code stop --drain}) prunes nothing: the job may be resumed
     * from the savepoint that follows and add to the same rows.
     *
     * @return rows removed
     */
    int pruneClosedRows(long watermark) {
        if (oldestMinute == Long.MAX_VALUE || watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE) {
            return 0;
        }
        long horizon = Lateness.bound(watermark, allowedLatenessMillis); // the late router's bound
        if (!Lateness.isLate(oldestMinute + MINUTE_MILLIS, horizon)) {
            return 0;
        }
        for (int kg = keyGroups.getStartKeyGroup(); kg <= keyGroups.getEndKeyGroup(); kg++) {
            raiseHorizon(kg, horizon);
        }
        int removed = 0;
        long stillOldest = Long.MAX_VALUE;
        for (Iterator<RowKey> it = totals.keySet().iterator(); it.hasNext(); ) {
            long minute = it.next().minute;
            if (Lateness.isLate(minute + MINUTE_MILLIS, horizon)) {
                it.remove();
                removed++;
            } else {
                stillOldest = Math.min(stillOldest, minute);
            }
        }
        oldestMinute = stillOldest;
        return removed;
    }

    /** Copies the totals and horizons into the operator state of the checkpoint being taken. */
    void snapshot() throws Exception {
        List<Tuple3<Integer, RowKey, Long>> rows = new ArrayList<>(totals.size());
        for (Map.Entry<RowKey, Total> e : totals.entrySet()) {
            rows.add(Tuple3.of(e.getValue().keyGroup, e.getKey(), e.getValue().value));
        }
        rowsState.update(rows);
        List<Tuple2<Integer, Long>> horizons = new ArrayList<>();
        for (int i = 0; i < prunedBelow.length; i++) {
            if (prunedBelow[i] != Long.MIN_VALUE) {
                horizons.add(Tuple2.of(keyGroups.getStartKeyGroup() + i, prunedBelow[i]));
            }
        }
        horizonsState.update(horizons);
    }
}
