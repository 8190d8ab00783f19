package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-row totals ({@link RowTotals}, the subtask's heap, checkpointed as operator state) through
 * the window operator's own snapshots, in Flink's operator test harness against a real PostgreSQL:
 * a restore continues every total from the checkpoint (not from zero, which the monotone guard would
 * silently drop), a rescale hands each key's rows to the subtask that now owns the key, and a
 * snapshot of the earlier layout (totals in keyed state) restores with its totals.
 */
class RowTotalsRestoreITCase {

    private static final long MINUTE = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;
    private static final ShardKeys FOUR_SHARDS = new ShardKeys(4, 128);
    private static final String[] PAGES = {"/p/0", "/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/p/6", "/p/7"};

    private long nextId;
    private long processingTime;

    @Test
    void aRestoreContinuesEveryTotalFromTheCheckpoint() throws Exception {
        DatabaseSettings database = freshTable("restore_totals");
        OperatorSubtaskState checkpoint;
        try (var before = flushing(database, 1, 0)) {
            before.open();
            sendAndFlush(List.of(before), 3);
            checkpoint = before.snapshot(1, 1);
            sendAndFlush(List.of(before), 2); // committed after the checkpoint, then the task fails
        }
        try (var after = flushing(database, 1, 0)) {
            after.initializeState(checkpoint);
            after.open();
            sendAndFlush(List.of(after), 2); // the replay of what followed the checkpoint
            sendAndFlush(List.of(after), 4);
        }
        assertEveryRow(database, 3 + 2 + 4);
    }

    @Test
    void aRescaleHandsEachKeysTotalsToItsNewSubtask() throws Exception {
        DatabaseSettings database = freshTable("rescale_totals");
        OperatorSubtaskState checkpoint;
        try (var one = flushing(database, 1, 0)) {
            one.open();
            sendAndFlush(List.of(one), 3);
            checkpoint = one.snapshot(1, 1);
        }
        var two = new java.util.ArrayList<KeyedOneInputStreamOperatorTestHarness<Integer, ClickEvent, BatchReceipt>>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var h = flushing(database, 2, subtask);
            h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(checkpoint,
                    FOUR_SHARDS.maxParallelism(), 1, 2, subtask));
            h.open();
            two.add(h);
        }
        sendAndFlush(two, 4);
        for (var h : two) {
            h.close();
        }
        assertEveryRow(database, 3 + 4);
    }

    @Test
    void aSnapshotOfTheEarlierLayoutRestoresWithItsTotals() throws Exception {
        DatabaseSettings database = freshTable("earlier_layout");
        OperatorSubtaskState earlier;
        try (var old = FlushOperatorHarness.create(FOUR_SHARDS, new EarlierLayoutTotals(), 1, 0)) {
            old.open();
            sendAndFlush(List.of(old), 3); // keyed state: every row at 3 (nothing written)
            earlier = old.snapshot(1, 1);
        }
        try (var now = flushing(database, 1, 0)) {
            now.initializeState(earlier);
            now.open();
            sendAndFlush(List.of(now), 2);
            OperatorSubtaskState migrated = now.snapshot(2, 2);
            try (var again = flushing(database, 1, 0)) {
                again.initializeState(migrated); // the totals now come from the new layout
                again.open();
                sendAndFlush(List.of(again), 1);
            }
        }
        assertEveryRow(database, 3 + 2 + 1);
    }

    /** {@code perRow} events for every page and both types, each to the subtask owning its key; then every batch fires. */
    private void sendAndFlush(List<KeyedOneInputStreamOperatorTestHarness<Integer, ClickEvent, BatchReceipt>> subtasks,
            int perRow) throws Exception {
        ShardKeySelector byShard = new ShardKeySelector(FOUR_SHARDS);
        for (String page : PAGES) {
            for (String type : new String[] {"view", "click"}) {
                for (int k = 0; k < perRow; k++) {
                    ClickEvent e = new ClickEvent(nextId++, page, type, 1, MINUTE + k);
                    int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(byShard.getKey(e),
                            FOUR_SHARDS.maxParallelism(), subtasks.size());
                    subtasks.get(subtask).processElement(new StreamRecord<>(e, e.ingestTime));
                }
            }
        }
        processingTime += 1_000;
        for (var h : subtasks) {
            h.setProcessingTime(processingTime);
        }
    }

    /** The job's window function on four shards, subtask {@code subtask} of {@code parallelism}, not yet initialized. */
    private static KeyedOneInputStreamOperatorTestHarness<Integer, ClickEvent, BatchReceipt> flushing(
            DatabaseSettings database, int parallelism, int subtask) throws Exception {
        return FlushOperatorHarness.create(FOUR_SHARDS, FlushOperatorHarness.flush(database, FOUR_SHARDS), parallelism,
                subtask);
    }

    private static DatabaseSettings freshTable(String prefix) throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings(prefix);
        try (Connection c = PostgresForTests.connect()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
        }
        return database;
    }

    private static void assertEveryRow(DatabaseSettings database, long expected) throws Exception {
        Map<RowKey, Long> want = new HashMap<>();
        for (String page : PAGES) {
            for (String type : new String[] {"view", "click"}) {
                want.put(new RowKey(page, type, MINUTE), expected);
            }
        }
        try (Connection c = PostgresForTests.connect()) {
            assertThat(new TotalsTable(database.totalsTable()).readAll(c)).isEqualTo(want);
        }
    }

    /** The earlier layout's totals: per-row totals in keyed state of the shard key; writes nothing. */
    private static final class EarlierLayoutTotals
            extends ProcessWindowFunction<ClickEvent, BatchReceipt, Integer, GlobalWindow> {
        @Override
        public void process(Integer key, Context context, Iterable<ClickEvent> events, Collector<BatchReceipt> out)
                throws Exception {
            MapState<RowKey, Long> totals = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("row-totals", TypeInformation.of(RowKey.class), Types.LONG));
            for (ClickEvent e : events) {
                RowKey row = RowKey.of(e);
                Long total = totals.get(row);
                totals.put(row, total == null ? 1 : total + 1);
            }
            getRuntimeContext().getState(new ValueStateDescriptor<>("oldest-minute", Types.LONG)).update(MINUTE);
        }
    }
}
