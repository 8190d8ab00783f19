package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch with a poison row (refused by a CHECK constraint) and a row of a closed minute, through
 * the real window operator and PostgreSQL: the receipt's latency histogram holds one value per
 * committed event, {@code commit time - ingest time}, and none for the dead-lettered rows' events.
 */
class ReceiptLatencyITCase {

    private static final String POISON_PAGE = "/p/poison";

    @Test
    void histogramHoldsExactlyTheCommittedEvents() throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("latency_totals");
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
            s.execute("ALTER TABLE " + database.totalsTable() + " ADD CONSTRAINT no_poison CHECK (page <> '"
                    + POISON_PAGE + "')");
        }
        long now = System.currentTimeMillis();
        long closedMinute = now - now % 60_000 - 10 * 60_000;
        try (var harness = FlushOperatorHarness.open(database)) {
            // First batch: a row of a minute that the watermark then closes (lateness 1 min), so its
            // total is pruned at the flush.
            harness.processElement(record(new ClickEvent(1, "/p/1", "view", 1, closedMinute + 1_000)));
            harness.processWatermark(closedMinute + 3 * 60_000);
            harness.setProcessingTime(1_000);

            // Second batch: that closed row again (late), a poison row, and good rows.
            List<ClickEvent> good = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                good.add(new ClickEvent(100 + i, "/p/" + (2 + i % 3), "click", 1, now - 2_000 - i / 2));
            }
            harness.processElement(record(new ClickEvent(2, "/p/1", "view", 1, closedMinute + 2_000)));
            harness.processElement(record(new ClickEvent(3, "/p/1", "view", 1, closedMinute + 3_000)));
            for (int i = 0; i < 3; i++) {
                harness.processElement(record(new ClickEvent(10 + i, POISON_PAGE, "click", 1, now - 5 * 60_000)));
            }
            for (ClickEvent e : good) {
                harness.processElement(record(e));
            }
            harness.setProcessingTime(2_000);

            List<BatchReceipt> receipts = harness.extractOutputValues();
            assertThat(receipts).hasSize(2);
            BatchReceipt receipt = receipts.get(1);
            assertThat(receipt.events).isEqualTo(17);
            assertThat(receipt.rejectedEvents).isEqualTo(5);
            Map<String, Long> deadLettered = new TreeMap<>();
            for (StreamRecord<DeadLetter> letter : harness.getSideOutput(FlushToDatabase.REJECTED_ROWS)) {
                deadLettered.merge(letter.getValue().reason, letter.getValue().events, Long::sum);
                assertThat(letter.getValue().arm).as("a batch row's dead letter names its arm").isEqualTo("static");
            }
            assertThat(deadLettered).isEqualTo(Map.of("db_rejected_row", 3L, "late_event", 2L));

            Histogram latency = decode(receipt);
            assertThat(latency.getTotalCount()).as("values in the histogram")
                    .isEqualTo(receipt.events - receipt.rejectedEvents).isEqualTo(good.size());
            Histogram expected = new Histogram(3);
            good.forEach(e -> expected.recordValue(receipt.commitTime - e.ingestTime));
            assertThat(valueCounts(latency)).isEqualTo(valueCounts(expected));
        }
    }

    private static StreamRecord<ClickEvent> record(ClickEvent e) {
        return new StreamRecord<>(e, e.ingestTime);
    }

    private static Histogram decode(BatchReceipt receipt) throws Exception {
        return receipt.decodeLatency();
    }

    /** The histogram's recorded values (bucket value -> count). */
    private static Map<Long, Long> valueCounts(Histogram h) {
        Map<Long, Long> counts = new TreeMap<>();
        for (HistogramIterationValue v : h.recordedValues()) {
            counts.put(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
        }
        return counts;
    }
}
