package io.dynbatch.job.sink;

import io.dynbatch.job.model.BatchReceipt;

import org.HdrHistogram.Histogram;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;

/**
 * The optional batch log ({@code --batch-log-table}): one row per receipt, i.e. per committed shard
 * batch of every arm, saying why it was flushed and what was planned for it next to what happened,
 * and the sink that fills it ({@link SideTableSink}: at-least-once, batched prepared statements,
 * rides out outages, never fails the task over a row).
 *
 * <p>Columns: {@code arm}, {@code shard}, {@code batch_id}, {@code events}, {@code rows}, {@code
 * transactions} (under group commit the transaction is counted on the first receipt of its group, 0
 * on the others), {@code write_ms} (the batch's share of its transaction's write time), {@code
 * predicted_write_ms}, {@code planned_size}, {@code planned_deadline}, {@code reason} (a {@code
 * FlushReason} label), {@code oldest_ingest}, {@code commit_time}, {@code p99_ms} (insight latency of
 * the batch's committed events) and {@code recorded_at}. What a trigger does not plan or say is NULL
 * (the static arm plans no size and predicts no write; Flink's own triggers, the builtin and
 * tumbling_1min arms, give no reason). At-least-once: after a failover a batch may be logged twice
 * (same {@code batch_id}).
 */
public final class BatchLogTable {

    private final String name;

    public BatchLogTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
    }

    public String name() {
        return name;
    }

    public void createIfAbsent(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
                    + "arm text NOT NULL, shard integer NOT NULL, batch_id text NOT NULL, events bigint NOT NULL, "
                    + "rows integer NOT NULL, transactions integer NOT NULL, write_ms bigint NOT NULL, "
                    + "predicted_write_ms double precision, planned_size bigint, planned_deadline timestamptz, "
                    + "reason text, oldest_ingest timestamptz NOT NULL, commit_time timestamptz NOT NULL, "
                    + "p99_ms bigint, recorded_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** The insert the sink runs. */
    String insertStatement() {
        return "INSERT INTO " + name + " (arm, shard, batch_id, events, rows, transactions, write_ms, "
                + "predicted_write_ms, planned_size, planned_deadline, reason, oldest_ingest, commit_time, p99_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Binds one receipt to {@link #insertStatement()}; absent values as NULL. */
    static JdbcStatementBuilder<BatchReceipt> binder() {
        return (ps, r) -> {
            ps.setString(1, r.arm);
            ps.setInt(2, r.shard);
            ps.setString(3, r.batchId);
            ps.setLong(4, r.events);
            ps.setInt(5, r.rows);
            ps.setInt(6, r.transactions);
            ps.setLong(7, r.writeMillis);
            if (Double.isFinite(r.predictedWriteMillis)) {
                ps.setDouble(8, r.predictedWriteMillis);
            } else {
                ps.setNull(8, Types.DOUBLE);
            }
            if (r.targetSize >= 0) {
                ps.setLong(9, r.targetSize);
            } else {
                ps.setNull(9, Types.BIGINT);
            }
            if (r.plannedDeadline >= 0) {
                ps.setTimestamp(10, new Timestamp(r.plannedDeadline));
            } else {
                ps.setNull(10, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            ps.setString(11, r.flushReason);
            ps.setTimestamp(12, new Timestamp(r.oldestIngest));
            ps.setTimestamp(13, new Timestamp(r.commitTime));
            long p99 = p99Millis(r);
            if (p99 >= 0) {
                ps.setLong(14, p99);
            } else {
                ps.setNull(14, Types.BIGINT);
            }
        };
    }

    /** The p99 insight latency of the receipt's committed events, -1 if it has none. */
    static long p99Millis(BatchReceipt r) {
        if (r.latencyHistogram == null || r.latencyHistogram.length == 0) {
            return -1;
        }
        Histogram latency = r.decodeLatency();
        return latency.getTotalCount() == 0 ? -1 : latency.getValueAtPercentile(99);
    }

    /** A receipt the database refused, with its texts printable and its times clamped. */
    static BatchReceipt residue(BatchReceipt r) {
        BatchReceipt c = new BatchReceipt();
        c.arm = Residue.printable(r.arm);
        c.shard = r.shard;
        c.batchId = Residue.printable(r.batchId);
        c.events = r.events;
        c.rows = r.rows;
        c.transactions = r.transactions;
        c.writeMillis = r.writeMillis;
        c.predictedWriteMillis = r.predictedWriteMillis;
        c.targetSize = r.targetSize;
        c.plannedDeadline = r.plannedDeadline < 0 ? -1 : Residue.timestamp(r.plannedDeadline);
        c.flushReason = Residue.printable(r.flushReason);
        c.oldestIngest = Residue.timestamp(r.oldestIngest);
        c.commitTime = Residue.timestamp(r.commitTime);
        c.latencyHistogram = r.latencyHistogram;
        return c;
    }

    /** The sink: batches of up to 500 receipts, written at least every second and before every checkpoint. */
    public SideTableSink<BatchReceipt> sink(DatabaseSettings database, RetryPolicy retryPolicy) {
        return new SideTableSink<>(database, new TableRows<>(name, insertStatement(), binder(), BatchLogTable::residue),
                500, Duration.ofSeconds(1), retryPolicy);
    }
}
