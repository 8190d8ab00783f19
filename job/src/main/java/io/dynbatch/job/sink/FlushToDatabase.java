package io.dynbatch.job.sink;

import io.dynbatch.job.batch.PendingBatch;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes each flushed batch of one shard to the totals table in ONE transaction and emits a {@link
 * BatchReceipt} for it.
 *
 * <p>Guarantees: the shard's running per-row totals live in keyed state (checkpointed) and are
 * written as absolute values through {@link TotalsTable}'s monotone upsert, so a replay after a
 * failure never double-counts and never lowers a total; the state is updated only after the
 * commit. Transient database errors are retried with {@link RetryPolicy} (the task thread waits,
 * which backpressures the job instead of dropping anything); a permanent error, or a transient one
 * that outlasts the retries, fails the task so Flink restarts it from the last checkpoint.
 *
 * <p>Per event, insight latency is {@code commit time - ingest time}, recorded exactly (ms
 * resolution) in the receipt's HdrHistogram.
 */
public class FlushToDatabase extends ProcessWindowFunction<PendingBatch, BatchReceipt, Integer, GlobalWindow> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FlushToDatabase.class);

    private final String arm;
    private final DatabaseSettings database;
    private final ShardKeys shardKeys;
    private final RetryPolicy retryPolicy;

    private final MapStateDescriptor<RowKey, Long> totalsDesc =
            new MapStateDescriptor<>("row-totals", TypeInformation.of(RowKey.class), Types.LONG);
    private final ValueStateDescriptor<Long> batchSeqDesc = new ValueStateDescriptor<>("batch-seq", Types.LONG);

    private transient SimpleJdbcConnectionProvider connections;
    private transient TotalsTable table;
    private transient MapState<RowKey, Long> totals;
    private transient ValueState<Long> batchSeq;
    private transient Counter eventsWritten;
    private transient Counter rowsWritten;
    private transient Counter transactions;
    private transient Counter retries;
    private transient Counter dbMillis;
    private transient Histogram writeMillis;

    public FlushToDatabase(String arm, DatabaseSettings database, ShardKeys shardKeys, RetryPolicy retryPolicy) {
        this.arm = arm;
        this.database = database;
        this.shardKeys = shardKeys;
        this.retryPolicy = retryPolicy;
    }

    @Override
    public void open(OpenContext openContext) {
        connections = new SimpleJdbcConnectionProvider(database.connectionOptions());
        table = new TotalsTable(database.totalsTable());
        totals = getRuntimeContext().getMapState(totalsDesc);
        batchSeq = getRuntimeContext().getState(batchSeqDesc);
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("dynbatch").addGroup("arm", arm);
        eventsWritten = group.counter("eventsWritten");
        rowsWritten = group.counter("rowsWritten");
        transactions = group.counter("transactions");
        retries = group.counter("writeRetries");
        dbMillis = group.counter("dbMillis");
        writeMillis = group.histogram("writeMillis", new DescriptiveStatisticsHistogram(1024));
    }

    @Override
    public void process(Integer key, Context context, Iterable<PendingBatch> batches, Collector<BatchReceipt> out)
            throws Exception {
        PendingBatch batch = batches.iterator().next();
        if (batch.events == 0) {
            return;
        }
        List<RowKey> rows = new ArrayList<>(batch.rowCounts.size());
        long[] newTotals = new long[batch.rowCounts.size()];
        int i = 0;
        for (Map.Entry<RowKey, Long> row : batch.rowCounts.entrySet()) {
            Long before = totals.get(row.getKey());
            rows.add(row.getKey());
            newTotals[i++] = (before == null ? 0L : before) + row.getValue();
        }

        long start = System.nanoTime();
        int attempts = writeInOneTransaction(rows, newTotals);
        long commitTime = System.currentTimeMillis();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        for (int r = 0; r < rows.size(); r++) {
            totals.put(rows.get(r), newTotals[r]);
        }
        long seq = batchSeq.value() == null ? 1 : batchSeq.value() + 1;
        batchSeq.update(seq);

        eventsWritten.inc(batch.events);
        rowsWritten.inc(rows.size());
        transactions.inc();
        dbMillis.inc(tookMillis);
        writeMillis.update(tookMillis);

        int shard = shardKeys.shardOfKey(key);
        out.collect(receipt(batch, shard, seq, rows.size(), attempts, tookMillis, commitTime));
    }

    private int writeInOneTransaction(List<RowKey> rows, long[] newTotals) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                Connection c = connections.getOrEstablishConnection();
                c.setAutoCommit(false);
                try {
                    table.upsertTotals(c, rows, newTotals);
                    c.commit();
                    return attempt;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (!SqlErrors.isTransient(e) || !retryPolicy.mayRetryAfter(attempt)) {
                    throw new SQLException("batch of " + rows.size() + " rows to " + table.name()
                            + " failed after " + attempt + " attempt(s): " + e.getMessage(), e.getSQLState(), e);
                }
                retries.inc();
                if (SqlErrors.isConnectionLost(e)) {
                    connections.closeConnection();
                }
                long delay = retryPolicy.delayAfterAttemptMillis(attempt, ThreadLocalRandom.current()::nextDouble);
                LOG.warn("Transient database error (SQLSTATE {}) on attempt {}, retrying in {} ms: {}",
                        e.getSQLState(), attempt, delay, e.getMessage());
                Thread.sleep(delay); // backpressure: the batch is not dropped, the job waits
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; the retry re-establishes it
        }
    }

    private BatchReceipt receipt(PendingBatch batch, int shard, long seq, int rows, int attempts, long tookMillis,
            long commitTime) {
        org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(3);
        for (Map.Entry<Long, Long> e : batch.ingestCounts.entrySet()) {
            latency.recordValueWithCount(Math.max(0, commitTime - e.getKey()), e.getValue());
        }
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int size = latency.encodeIntoCompressedByteBuffer(buffer);
        byte[] encoded = new byte[size];
        buffer.flip();
        buffer.get(encoded);

        BatchReceipt r = new BatchReceipt();
        r.arm = arm;
        r.shard = shard;
        r.batchId = arm + "-" + shard + "-" + seq;
        r.events = batch.events;
        r.rows = rows;
        r.statements = 1;
        r.attempts = attempts;
        r.writeMillis = tookMillis;
        r.commitTime = commitTime;
        r.oldestIngest = batch.oldestIngest();
        r.latencyHistogram = encoded;
        return r;
    }

    @Override
    public void close() {
        if (connections != null) {
            connections.closeConnection();
        }
    }
}
