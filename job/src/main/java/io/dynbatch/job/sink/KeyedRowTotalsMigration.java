package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Carries per-row totals over from the earlier state layout, which kept them in keyed state of the
 * window key ({@code row-totals}, {@code oldest-minute}, {@code pruned-below}), into {@link
 * RowTotals}. After a restore, the first batch of each key moves that key's rows and its pruned
 * horizon over and clears the keyed state; a fresh start never touches keyed state at all. So a
 * savepoint of the earlier layout restores with its totals, and the next checkpoint holds them in
 * the new layout for every key that has flushed since.
 */
final class KeyedRowTotalsMigration {

    private final boolean restored;
    private final Set<Object> checkedKeys = new HashSet<>();
    private MapState<RowKey, Long> totals;
    private ValueState<Long> oldestMinute;
    private ValueState<Long> prunedBelow;

    /** @param restored whether the operator was restored from a checkpoint or savepoint */
    KeyedRowTotalsMigration(KeyedStateStore context, boolean restored) {
        this.restored = restored;
        if (restored) {
            totals = context.getMapState(
                    new MapStateDescriptor<>("row-totals", TypeInformation.of(RowKey.class), Types.LONG));
            oldestMinute = context.getState(new ValueStateDescriptor<>("oldest-minute", Types.LONG));
            prunedBelow = context.getState(new ValueStateDescriptor<>("pruned-below", Types.LONG));
        }
    }

    /** A key's totals in the earlier layout: its rows and its pruned horizon ({@code Long.MIN_VALUE}: none). */
    static final class Carried {
        final Map<RowKey, Long> rows = new HashMap<>();
        long horizon = Long.MIN_VALUE;
    }

    /**
     * Moves the current key's rows of the earlier layout into {@code into}, once per key and operator
     * instance. Call with the window key as the current key.
     *
     * @return rows moved
     */
    int moveCurrentKey(Object key, int keyGroup, RowTotals into) throws Exception {
        Carried carried = takeCurrentKey(key);
        if (carried == null) {
            return 0;
        }
        carried.rows.forEach((row, total) -> into.put(keyGroup, row, total));
        into.raiseHorizon(keyGroup, carried.horizon);
        return carried.rows.size();
    }

    /**
     * Takes the current key's rows of the earlier layout out of keyed state, once per key and
     * operator instance; null if there are none (or this key was checked before).
     */
    Carried takeCurrentKey(Object key) throws Exception {
        if (!restored || !checkedKeys.add(key)) {
            return null;
        }
        Carried carried = new Carried();
        for (Map.Entry<RowKey, Long> row : totals.entries()) {
            carried.rows.put(row.getKey(), row.getValue());
        }
        Long below = prunedBelow.value();
        if (below != null) {
            carried.horizon = below;
        }
        if (carried.rows.isEmpty() && below == null) {
            return null;
        }
        totals.clear();
        oldestMinute.clear();
        prunedBelow.clear();
        return carried;
    }
}
