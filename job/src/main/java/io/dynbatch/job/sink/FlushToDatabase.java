package io.dynbatch.job.sink;

import io.dynbatch.job.batch.BatchCompaction;
import io.dynbatch.job.batch.CompactedBatch;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;

import io.dynbatch.triggers.BatchFeedback;
import io.dynbatch.triggers.FlushTarget;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.Window;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.List;

/**
 * Writes each flushed batch of one shard to the totals table in ONE transaction and emits a {@link
 * BatchReceipt} for it: the Flink adapter (window contents, keyed and operator state, metrics, side
 * output, the trigger's feedback) around {@link BatchCommitter}, which commits and builds the
 * receipt and the dead letters.
 *
 * <p>Guarantees: the running per-row totals live in {@link RowTotals} (the subtask's heap,
 * checkpointed with the window contents at the same barrier, following their keys through a rescale)
 * and are written as absolute values through {@link TotalsTable}'s monotone upsert, so a replay after a
 * failure never double-counts and never lowers a total; the state is updated only after the
 * commit. Database trouble is handled by {@link ResilientBatchWriter}: transient errors are
 * retried with backoff behind a circuit breaker for up to the retry policy's outage limit (the task
 * thread waits: backpressure, nothing dropped; checkpoints time out meanwhile), a poison row is isolated by bisection and goes to {@link #REJECTED_ROWS} with its
 * reason while the rest commits, and anything else fails the task so Flink restarts it from the
 * last checkpoint.
 *
 * <p>Window contents: the batch's events themselves, or the shard's pre-compacted bundles of them
 * ({@link io.dynbatch.job.batch.ShardBundle}), in Flink's list window state, and compacted to
 * rows ({@link CompactedBatch}) here, once per batch. An append to list state is O(1) on every state
 * backend (on RocksDB a merge that neither reads nor rewrites what is already pending), so the
 * work per event does not grow with the batch; an aggregate would re-serialize the whole
 * accumulator on RocksDB for every event.
 *
 * <p>Per committed event, insight latency is {@code commit time - ingest time}, recorded exactly (ms
 * resolution) in the receipt's HdrHistogram; events of rejected or late rows are not in it (they
 * are in the receipt's {@code rejectedEvents}).
 */
public class FlushToDatabase<IN, K, W extends Window> extends ProcessWindowFunction<IN, BatchReceipt, K, W>
        implements CheckpointedFunction {

    /** Which shard a window key stands for, for the receipts ({@code -1} if the key is not a shard). */
    @FunctionalInterface
    public interface ShardOfKey<K> extends java.io.Serializable {
        int shardOf(K key);
    }

    /**
     * Where a subtask's writer gets its database connections: flink-connector-jdbc's connection
     * provider by default; the benchmarks pass one that discards every statement, so that only
     * Flink's work is measured.
     */
    @FunctionalInterface
    public interface ConnectionSource extends java.io.Serializable {
        ResilientBatchWriter.Connections open(DatabaseSettings database);
    }

    /** The default {@link ConnectionSource}: the database of the settings. */
    public static final ConnectionSource DATABASE =
            database -> new ProviderConnections(new SimpleJdbcConnectionProvider(database.connectionOptions()));

    private static final long serialVersionUID = 1L;

    private final String arm;
    private final DatabaseSettings database;
    private final ShardOfKey<K> shardOfKey;
    private final RetryPolicy retryPolicy;
    private final BatchFeedback feedback;
    private final BatchCompaction<IN> compaction;
    private ConnectionSource connectionSource = DATABASE;

    /** Rows the database refused permanently (after bisection), one dead letter per row. */
    public static final OutputTag<DeadLetter> REJECTED_ROWS = new OutputTag<>("rejected-rows") {};

    private transient CommitPath commits;
    private final long allowedLatenessMillis;
    private transient RowTotals totals;
    private transient KeyedRowTotalsMigration earlierLayout;
    private transient BatchSequence batchIds;

    /**
     * @param feedback the handle of the trigger that fires this function ({@code BatchFeedback.of(trigger)}):
     *     after each commit the batch's size and write time go back to the trigger's cost model, and
     *     why the trigger fired the batch and what it planned go onto the receipt ({@link BatchFeedback#NONE}
     *     for triggers that learn nothing)
     * @param allowedLateness per-row totals of minutes that closed before {@code watermark -
     *     allowedLateness} are pruned from state (the late-event router uses the same bound)
     * @param compaction how the window's contents (events or pre-compacted bundles) become one batch
     */
    public FlushToDatabase(String arm, DatabaseSettings database, ShardOfKey<K> shardOfKey, RetryPolicy retryPolicy,
            BatchFeedback feedback, Duration allowedLateness, BatchCompaction<IN> compaction) {
        this.compaction = java.util.Objects.requireNonNull(compaction, "compaction");
        this.feedback = java.util.Objects.requireNonNull(feedback, "feedback");
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.arm = arm;
        this.database = database;
        this.shardOfKey = shardOfKey;
        this.retryPolicy = retryPolicy;
    }

    /** This window function, writing through {@code source}'s connections instead of the database's. */
    public FlushToDatabase<IN, K, W> withConnections(ConnectionSource source) {
        this.connectionSource = java.util.Objects.requireNonNull(source, "source");
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        totals = RowTotals.restore(context.getOperatorStateStore(), getRuntimeContext().getTaskInfo(),
                allowedLatenessMillis);
        earlierLayout = new KeyedRowTotalsMigration(context.getKeyedStateStore(), context.isRestored());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        totals.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        commits = new CommitPath(arm, database, retryPolicy, connectionSource, getRuntimeContext().getMetricGroup());
        batchIds = new BatchSequence(getRuntimeContext());
    }

    @Override
    public void process(K key, Context context, Iterable<IN> contents, Collector<BatchReceipt> out) throws Exception {
        CompactedBatch batch = compaction.compact(contents); // the only pass over the batch's contents
        // why the trigger fired this batch and what it planned, taken before anything can return
        FlushTarget target = feedback.takeTarget(context.windowState());
        if (batch.events == 0) {
            return;
        }
        int keyGroup = totals.keyGroupOf(key);
        earlierLayout.moveCurrentKey(key, keyGroup, totals);
        int shard = shardOfKey.shardOf(key);
        String batchId = batchIds.nextId(BatchSequence.label(shard, key));

        BatchCommitter.Result result = commits.commit(
                List.of(new BatchCommitter.ShardBatch(batch, keyGroup, shard, batchId, target)), totals,
                context.currentWatermark());
        feedback.record(context.windowState(), batch.events, Duration.ofNanos(result.attributedNanos[0]));
        for (DeadLetter letter : result.deadLetters) {
            context.output(REJECTED_ROWS, letter);
        }
        result.receipts.forEach(out::collect);
    }

    /** Closes the connection; never throws (a task failing or cancelled in an outage closes cleanly). */
    @Override
    public void close() {
        if (commits != null) {
            commits.close();
        }
    }
}
