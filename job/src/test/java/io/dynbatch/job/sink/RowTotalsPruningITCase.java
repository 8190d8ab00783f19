package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
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
    void stateHoldsOnlyOpenMinutes() throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("prune_totals");
        try (Connection c = PostgresForTests.connect()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
        }
        try (var harness = FlushOperatorHarness.open(database)) {
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
