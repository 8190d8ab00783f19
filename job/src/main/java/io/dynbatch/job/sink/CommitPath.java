package io.dynbatch.job.sink;

import org.apache.flink.metrics.MetricGroup;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A subtask's database write path, the same for a window function committing each shard batch
 * ({@link FlushToDatabase}) and for the group committer ({@link GroupCommitOperator}): its
 * connections, a {@link BatchCommitter} over a {@link ResilientBatchWriter} (retries, circuit
 * breaker, bisection), and the arm's write metrics ({@code dynbatch.arm.<arm>.*}).
 */
final class CommitPath {

    private final ResilientBatchWriter.Connections connections;
    private final BatchCommitter committer;
    private final CommitMetrics metrics;

    /** @param operatorGroup the operator's metric group */
    CommitPath(String arm, DatabaseSettings database, RetryPolicy retryPolicy,
            FlushToDatabase.ConnectionSource connectionSource, MetricGroup operatorGroup) {
        this.connections = connectionSource.open(database);
        connections.warmUp(); // the first batch's latency and learned write cost without the connection set-up
        ResilientBatchWriter writer = new ResilientBatchWriter(new TotalsTable(database.totalsTable()), connections,
                retryPolicy, retryPolicy.newCircuitBreaker(System::currentTimeMillis), Thread::sleep,
                () -> ThreadLocalRandom.current().nextDouble());
        this.committer = new BatchCommitter(arm, writer::write, System::currentTimeMillis);
        this.metrics = new CommitMetrics(operatorGroup.addGroup("dynbatch").addGroup("arm", arm), writer.transactions());
    }

    /**
     * Commits {@code group} in one transaction, then prunes the totals that {@code watermark} closed,
     * and counts both.
     */
    BatchCommitter.Result commit(List<BatchCommitter.ShardBatch> group, RowTotals totals, long watermark)
            throws SQLException, InterruptedException {
        BatchCommitter.Result result = committer.commit(group, totals);
        metrics.record(result, totals.pruneClosedRows(watermark));
        return result;
    }

    /** Drops the connection; never throws (a task failing or cancelled in an outage closes cleanly). */
    void close() {
        connections.reset();
    }
}
