package io.dynbatch.job.sink;

import io.dynbatch.job.batch.CompactedBatch;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.LatencyCounts;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RowKey;

import io.dynbatch.triggers.FlushTarget;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Commits shard batches to the totals table: one transaction for a whole group of batches (several
 * shards of one subtask, or one shard's batch alone), and builds everything a commit produces in one
 * place: one {@link BatchReceipt} per shard batch, one dead letter per refused or late row, and the
 * share of the write time each batch is charged with. Plain Java (no Flink types): the window
 * function is the Flink adapter around it, and tests drive it with a fake {@link RowWriter}.
 *
 * <p>Guarantees, given {@link Totals} holding the running totals as of the last commit: rows are
 * written as absolute totals (running total + the batch's count), so a replay after a failure never
 * double-counts; a row whose minute was already closed and pruned ({@link Totals#closedBelow}) is
 * never written from zero but dead-lettered as {@code late_event}; the totals advance only for rows
 * the database committed; a row it refused permanently is dead-lettered as {@code db_rejected_row}
 * with its SQLSTATE, while every other row of the group commits. Each receipt's latency histogram
 * holds one value per committed event of its batch.
 *
 * <p>Each receipt carries its own batch's flush reason and plan ({@link FlushTarget}): under group
 * commit the reason says why that shard's batch fired (its own deadline or cap, or {@code round}:
 * it joined another shard's round), not why the transaction happened.
 *
 * <p>Cost attribution in a group: the transaction counts (statements, transactions, retries) go on
 * the group's first receipt, so that summing receipts counts each transaction once; the write time
 * is shared out by {@code rows + 1} per batch (a share of the per-call cost and one per row), which
 * is what the adaptive trigger learns its cost model from.
 */
public final class BatchCommitter {

    /** Writes distinct rows with absolute totals in one transaction ({@link ResilientBatchWriter} in the job). */
    @FunctionalInterface
    public interface RowWriter {
        ResilientBatchWriter.Outcome write(List<RowKey> rows, long[] totals) throws SQLException, InterruptedException;
    }

    /** The running per-row totals the committer reads and advances ({@link RowTotals} in the job). */
    public interface Totals {
        /** Rows of {@code keyGroup} ending at or before this were closed and pruned ({@code Long.MIN_VALUE}: none). */
        long closedBelow(int keyGroup);

        /** The row's committed total so far (0 if new). */
        long get(RowKey row);

        /** Sets a committed row's total. */
        void put(int keyGroup, RowKey row, long total);
    }

    /** One shard's batch, as the window function hands it over. */
    public static final class ShardBatch {
        final CompactedBatch batch;
        final int keyGroup;
        final int shard;
        final String batchId;
        final FlushTarget target;

        /**
         * @param shard the shard for the receipt ({@code -1} if the key is not a shard)
         * @param batchId unique per arm and key, e.g. {@code static-3-17}
         * @param target why the trigger fired the batch and what it planned ({@link FlushTarget#NONE}: nothing)
         */
        public ShardBatch(CompactedBatch batch, int keyGroup, int shard, String batchId, FlushTarget target) {
            this.batch = Objects.requireNonNull(batch, "batch");
            this.keyGroup = keyGroup;
            this.shard = shard;
            this.batchId = batchId;
            this.target = Objects.requireNonNull(target, "target");
        }

        /** A batch the trigger said nothing about. */
        public ShardBatch(CompactedBatch batch, int keyGroup, int shard, String batchId) {
            this(batch, keyGroup, shard, batchId, FlushTarget.NONE);
        }
    }

    /** What committing a group produced; lists and arrays are in the order of the group's batches. */
    public static final class Result {
        public final List<BatchReceipt> receipts = new ArrayList<>();
        public final List<DeadLetter> deadLetters = new ArrayList<>();
        /** Write time charged to each batch; they sum to {@link #tookNanos}. */
        public long[] attributedNanos;
        public ResilientBatchWriter.Outcome outcome;
        public long tookNanos;
        public int rowsWritten;
        public long eventsWritten;
    }

    private static final String LATE_DETAIL = "row's minute already closed and pruned in this shard";

    private final String arm;
    private final RowWriter writer;
    private final LongSupplier clockMillis;

    public BatchCommitter(String arm, RowWriter writer, LongSupplier clockMillis) {
        this.arm = Objects.requireNonNull(arm, "arm");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** Commits {@code group} in one transaction (fewer only if a poison row forces bisection). */
    public Result commit(List<ShardBatch> group, Totals totals) throws SQLException, InterruptedException {
        Result result = new Result();
        long[] lateEvents = new long[group.size()];
        Map<RowKey, Integer> index = new LinkedHashMap<>();
        List<RowKey> rows = new ArrayList<>();
        List<Integer> keyGroupOfRow = new ArrayList<>();
        long[] newTotals = new long[16];
        for (int b = 0; b < group.size(); b++) {
            ShardBatch sb = group.get(b);
            long closedBelow = totals.closedBelow(sb.keyGroup);
            for (Map.Entry<RowKey, Long> row : sb.batch.rowCounts.entrySet()) {
                if (RowTotals.isClosed(row.getKey(), closedBelow)) { // its total was pruned: writing from zero would be lost
                    lateEvents[b] += row.getValue();
                    result.deadLetters.add(rowDeadLetter("late_event", LATE_DETAIL, row.getKey(), row.getValue(),
                            clockMillis.getAsLong()));
                    continue;
                }
                Integer at = index.get(row.getKey());
                if (at == null) { // a row seen twice is one key's two batches in one group: their counts add up
                    at = rows.size();
                    index.put(row.getKey(), at);
                    rows.add(row.getKey());
                    keyGroupOfRow.add(sb.keyGroup);
                    if (at == newTotals.length) {
                        newTotals = Arrays.copyOf(newTotals, at * 2);
                    }
                    newTotals[at] = totals.get(row.getKey());
                }
                newTotals[at] += row.getValue();
            }
        }
        newTotals = Arrays.copyOf(newTotals, rows.size());

        long start = System.nanoTime();
        result.outcome = rows.isEmpty() ? new ResilientBatchWriter.Outcome() : writer.write(rows, newTotals);
        result.tookNanos = System.nanoTime() - start;
        long commitTime = clockMillis.getAsLong();

        boolean[] committed = new boolean[rows.size()];
        Arrays.fill(committed, true);
        for (ResilientBatchWriter.Rejected why : result.outcome.rejected) {
            committed[why.index] = false;
        }
        for (int r = 0; r < rows.size(); r++) {
            if (committed[r]) {
                totals.put(keyGroupOfRow.get(r), rows.get(r), newTotals[r]);
            }
        }
        result.rowsWritten = rows.size() - result.outcome.rejected.size();
        result.attributedNanos = attribute(group, result.tookNanos);
        for (int b = 0; b < group.size(); b++) {
            result.receipts.add(receipt(group.get(b), b, index, committed, lateEvents[b], result, commitTime));
        }
        return result;
    }

    /** Splits {@code tookNanos} by {@code rows + 1} per batch: a share of the call and one per row. */
    private static long[] attribute(List<ShardBatch> group, long tookNanos) {
        long units = 0;
        for (ShardBatch sb : group) {
            units += sb.batch.rowCounts.size() + 1;
        }
        long[] shares = new long[group.size()];
        long given = 0;
        for (int b = 0; b < group.size(); b++) {
            shares[b] = b == group.size() - 1 ? tookNanos - given
                    : tookNanos * (group.get(b).batch.rowCounts.size() + 1) / units;
            given += shares[b];
        }
        return shares;
    }

    /** One batch's receipt (and its refused rows' dead letters); latency for its committed events only. */
    private BatchReceipt receipt(ShardBatch sb, int position, Map<RowKey, Integer> index, boolean[] committed,
            long lateEvents, Result result, long commitTime) {
        LatencyCounts latency = new LatencyCounts();
        long rejectedEvents = lateEvents;
        int rows = 0;
        for (Map.Entry<RowKey, Long> row : sb.batch.rowCounts.entrySet()) {
            Integer at = index.get(row.getKey());
            if (at == null) {
                continue; // late: already dead-lettered
            }
            rows++;
            if (committed[at]) {
                sb.batch.forEachIngestTime(row.getKey(),
                        (ingest, events) -> latency.add(commitTime - ingest, events));
            } else {
                ResilientBatchWriter.Rejected why = result.outcome.rejection(at);
                rejectedEvents += row.getValue();
                result.deadLetters.add(rowDeadLetter("db_rejected_row", "SQLSTATE " + why.sqlState + ": " + why.message,
                        row.getKey(), row.getValue(), commitTime));
            }
        }
        result.eventsWritten += sb.batch.events - rejectedEvents;

        BatchReceipt r = new BatchReceipt();
        r.arm = arm;
        r.shard = sb.shard;
        r.batchId = arm + "-" + sb.batchId;
        r.events = sb.batch.events;
        r.rows = rows;
        boolean first = position == 0;
        r.statements = first ? result.outcome.statements : 0;
        r.transactions = first ? result.outcome.transactions : 0;
        r.retries = first ? result.outcome.retries : 0;
        r.rejectedEvents = rejectedEvents;
        r.writeMillis = result.attributedNanos[position] / 1_000_000;
        r.commitTime = commitTime;
        r.oldestIngest = sb.batch.oldestIngest();
        r.latencyHistogram = latency.encode();
        r.targetSize = sb.target.plannedSize();
        r.flushReason = sb.target.reasonLabel();
        r.plannedDeadline = sb.target.plannedDeadlineMillis();
        r.predictedWriteMillis = sb.target.predictedWriteMillis();
        return r;
    }

    /**
     * A dead letter for a whole row of a batch, carrying the row, its event count and this arm (in
     * shadow mode every arm writes every row, so each arm accounts for its own rejections). It has
     * no dedupe key (at-least-once): which events share a batch row depends on processing time, so a
     * replay may cut the rows differently.
     */
    private DeadLetter rowDeadLetter(String reason, String detail, RowKey row, long events, long now) {
        String payload = "{\"page\":" + jsonString(row.page) + ",\"event_type\":" + jsonString(row.eventType)
                + ",\"minute\":" + row.minute + ",\"events\":" + events + "}";
        return new DeadLetter(reason, detail, payload, now, events).withArm(arm);
    }

    /** {@code s} as a JSON string literal (quotes, backslashes and control characters escaped). */
    private static String jsonString(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
