package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.batch.CompactRows;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.triggers.StaticBatchTrigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database flush inside Flink's real window operator (operator test harness) and a real
 * PostgreSQL, driven through 30 minutes of event time: per-row totals of closed minutes are pruned,
 * so one shard's keyed state stays bounded however long the job runs, while the table keeps every
 * total.
 */
class RowTotalsPruningITCase {

    private static final long T0 = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;
    private static final int PAGES = 20;
    private static final String[] TYPES = {"view", "click"};

    @Test
    @SuppressWarnings("unchecked")
    void stateHoldsOnlyOpenMinutes() throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("prune_totals");
        try (Connection c = PostgresForTests.connect()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
        }
        ShardKeys oneShard = new ShardKeys(1, 128);
        ShardKeySelector byShard = new ShardKeySelector(oneShard);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<BatchReceipt> receipts = env.fromData(new ClickEvent(0, "/p/0", "view", 0, T0))
                .keyBy(byShard)
                .window(GlobalWindows.create())
                .trigger(StaticBatchTrigger.<ClickEvent, GlobalWindow>of(1_000_000, Duration.ofMillis(100)))
                .aggregate(new CompactRows(), new FlushToDatabase<Integer, GlobalWindow>("static", database, oneShard::shardOfKey, RetryPolicy.defaults(),
                        false, Duration.ofMinutes(1)));
        var factory = ((OneInputTransformation<ClickEvent, BatchReceipt>) receipts.getTransformation())
                .getOperatorFactory();

        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(factory, byShard, Types.INT)) {
            harness.open();
            long id = 0;
            int rowsPerMinute = PAGES * TYPES.length;
            long sizeAt10 = 0;
            long sizeAt30 = 0;
            for (int minute = 0; minute < 30; minute++) {
                long minuteStart = T0 + minute * 60_000L;
                for (int p = 0; p < PAGES; p++) {
                    for (String type : TYPES) {
                        for (int k = 0; k < 3; k++) { // 3 events per row and minute
                            long ts = minuteStart + 1_000L * (p + k);
                            harness.processElement(new StreamRecord<>(new ClickEvent(id++, "/p/" + p, type, 1, ts), ts));
                        }
                    }
                }
                harness.processWatermark(minuteStart + 59_000);
                harness.setProcessingTime(minute * 1_000L + 500); // the batch's timer fires: write + prune
                if (minute == 9 || minute == 29) {
                    OperatorSubtaskState snapshot = harness.snapshot(minute, minute);
                    if (minute == 9) {
                        sizeAt10 = snapshot.getStateSize();
                    } else {
                        sizeAt30 = snapshot.getStateSize();
                    }
                }
            }
            // With the watermark at minute m + 59 s and 1 min allowed lateness, minutes before m-1
            // are closed: the state holds about 2 minutes of rows whatever the run's length.
            System.out.printf("Pruning: %d rows/minute; operator snapshot for the one key after 10 minutes %d bytes, "
                    + "after 30 minutes %d bytes (~%d bytes per open row total)%n", rowsPerMinute, sizeAt10, sizeAt30,
                    sizeAt30 / (2 * rowsPerMinute));
            assertThat(sizeAt30).as("state after 30 minutes vs after 10").isLessThanOrEqualTo(sizeAt10 * 5 / 4);
        }

        try (Connection c = PostgresForTests.connect()) {
            Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
            assertThat(inDatabase).hasSize(30 * PAGES * TYPES.length);
            assertThat(inDatabase.values()).containsOnly(3L);
        }
    }
}
