package io.dynbatch.job.sink;

import io.dynbatch.job.batch.CompactedBatch;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RowKey;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.FlushTarget;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link BatchCommitter} with a fake writer and in-memory totals: what one commit writes and reports. */
class BatchCommitterTest {

    private static final long MINUTE = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;
    private static final long NOW = MINUTE + 5_000;

    /** Rows written per call, and which rows to refuse. */
    private final List<Map<RowKey, Long>> writes = new ArrayList<>();
    private final List<RowKey> refuse = new ArrayList<>();
    private final MapTotals totals = new MapTotals();
    private final BatchCommitter committer = new BatchCommitter("static", (rows, newTotals) -> {
        Map<RowKey, Long> written = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            written.put(rows.get(i), newTotals[i]);
        }
        writes.add(written);
        ResilientBatchWriter.Outcome outcome = new ResilientBatchWriter.Outcome();
        outcome.statements = 1;
        outcome.transactions = 1;
        for (int i = 0; i < rows.size(); i++) {
            if (refuse.contains(rows.get(i))) {
                outcome.rejected.add(new ResilientBatchWriter.Rejected(i, "23514", "violates check constraint"));
            }
        }
        return outcome;
    }, () -> NOW);

    @Test
    void eachReceiptOfAGroupCarriesItsOwnBatchsReasonAndPlan() throws Exception {
        FlushTarget due = new FlushTarget(FlushReason.LATENCY, 40, NOW - 3, 12.5);
        FlushTarget joined = new FlushTarget(FlushReason.ROUND, 900, NOW + 400, 30.0);
        BatchCommitter.Result result = committer.commit(List.of(
                new BatchCommitter.ShardBatch(CompactedBatch.of(events("/a", 3)), 0, 1, "1-1", due),
                new BatchCommitter.ShardBatch(CompactedBatch.of(events("/b", 2)), 1, 2, "2-1", joined),
                shardBatch(3, 2, events("/c", 1))), totals);

        List<BatchReceipt> receipts = result.receipts;
        assertThat(receipts).extracting(r -> r.flushReason).containsExactly("latency", "round", null);
        assertThat(receipts).extracting(r -> r.targetSize).containsExactly(40L, 900L, -1L);
        assertThat(receipts).extracting(r -> r.plannedDeadline).containsExactly(NOW - 3, NOW + 400, -1L);
        assertThat(receipts.get(0).predictedWriteMillis).isEqualTo(12.5);
        assertThat(receipts.get(1).predictedWriteMillis).isEqualTo(30.0);
        assertThat(receipts.get(2).predictedWriteMillis).isNaN();
        // one transaction for the three: counted on the first receipt, whatever the reasons
        assertThat(receipts).extracting(r -> r.transactions).containsExactly(1, 0, 0);
        assertThat(receipts.get(0).toString()).contains("reason=latency");
    }

    @Test
    void aGroupOfShardsIsOneWriteWithAbsoluteTotalsAndOneReceiptPerBatch() throws Exception {
        totals.put(1, row("/a"), 10);
        BatchCommitter.Result result = committer.commit(List.of(
                shardBatch(1, 0, events("/a", 3)), shardBatch(2, 1, events("/b", 2), events("/c", 1))), totals);

        assertThat(writes).containsExactly(Map.of(row("/a"), 13L, row("/b"), 2L, row("/c"), 1L));
        assertThat(totals.values).containsEntry(row("/a"), 13L).containsEntry(row("/b"), 2L);
        List<BatchReceipt> receipts = result.receipts;
        assertThat(receipts).hasSize(2);
        assertThat(receipts.get(0).transactions).as("the group's transaction counted once").isEqualTo(1);
        assertThat(receipts.get(1).transactions).isZero();
        assertThat(receipts.get(0).events).isEqualTo(3);
        assertThat(receipts.get(1).rows).isEqualTo(2);
        assertThat(receipts.get(1).decodeLatency().getTotalCount()).isEqualTo(3);
        assertThat(receipts.get(1).batchId).isEqualTo("static-2-1");
        assertThat(result.attributedNanos[0] + result.attributedNanos[1]).isEqualTo(result.tookNanos);
        assertThat(result.eventsWritten).isEqualTo(6);
        assertThat(result.deadLetters).isEmpty();
    }

    @Test
    void aRefusedRowIsDeadLetteredAndItsTotalDoesNotAdvance() throws Exception {
        refuse.add(row("/b"));
        BatchCommitter.Result result = committer.commit(List.of(shardBatch(1, 0, events("/a", 2), events("/b", 4))),
                totals);

        assertThat(totals.values).containsOnlyKeys(row("/a"));
        BatchReceipt receipt = result.receipts.get(0);
        assertThat(receipt.rejectedEvents).isEqualTo(4);
        assertThat(receipt.decodeLatency().getTotalCount()).as("latency of committed events only").isEqualTo(2);
        DeadLetter letter = result.deadLetters.get(0);
        assertThat(letter.reason).isEqualTo("db_rejected_row");
        assertThat(letter.detail).startsWith("SQLSTATE 23514");
        assertThat(result.eventsWritten).isEqualTo(2);
    }

    @Test
    void aRowOfAClosedMinuteIsDeadLetteredAsLateAndNotWritten() throws Exception {
        totals.closedBelow = MINUTE + 60_000;
        BatchCommitter.Result result = committer.commit(List.of(shardBatch(1, 0, events("/a", 2))), totals);

        assertThat(writes).isEmpty();
        assertThat(result.deadLetters).extracting(d -> d.reason).containsExactly("late_event");
        assertThat(result.receipts.get(0).rejectedEvents).isEqualTo(2);
        assertThat(result.receipts.get(0).rows).isZero();
    }

    @Test
    void oneKeysTwoBatchesInOneGroupAddUpInOneRow() throws Exception {
        committer.commit(List.of(shardBatch(1, 0, events("/a", 2)), shardBatch(1, 0, events("/a", 3))), totals);

        assertThat(writes).containsExactly(Map.of(row("/a"), 5L));
        assertThat(totals.values).containsEntry(row("/a"), 5L);
    }

    private static RowKey row(String page) {
        return new RowKey(page, "view", MINUTE);
    }

    private static List<ClickEvent> events(String page, int n) {
        List<ClickEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new ClickEvent(i, page, "view", 1, MINUTE + i));
        }
        return events;
    }

    @SafeVarargs
    private static BatchCommitter.ShardBatch shardBatch(int shard, int keyGroup, List<ClickEvent>... rows) {
        List<ClickEvent> all = new ArrayList<>();
        for (List<ClickEvent> r : rows) {
            all.addAll(r);
        }
        return new BatchCommitter.ShardBatch(CompactedBatch.of(all), keyGroup, shard, shard + "-1");
    }

    private static final class MapTotals implements BatchCommitter.Totals {
        final Map<RowKey, Long> values = new HashMap<>();
        long closedBelow = Long.MIN_VALUE;

        @Override
        public long closedBelow(int keyGroup) {
            return closedBelow;
        }

        @Override
        public long get(RowKey row) {
            return values.getOrDefault(row, 0L);
        }

        @Override
        public void put(int keyGroup, RowKey row, long total) {
            values.put(row, total);
        }
    }
}
