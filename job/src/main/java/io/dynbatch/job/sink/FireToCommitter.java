package io.dynbatch.job.sink;

import io.dynbatch.job.batch.BatchCompaction;
import io.dynbatch.job.batch.CompactedBatch;
import io.dynbatch.job.model.FiredBatch;

import io.dynbatch.triggers.BatchFeedback;
import io.dynbatch.triggers.FlushTarget;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.Window;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Objects;

/**
 * The window function of a group-committed arm: compacts each fired batch to rows once and hands it
 * to the subtask's {@link GroupCommitOperator} (chained right after it), which writes it, with the
 * other shards' batches that fired together, in one transaction. Here stays what needs the window
 * key: the batch sequence, why the trigger fired the batch and what it planned, the write cost the
 * committer charged this key and the time of the transactions its events waited for (handed to the
 * trigger's cost model, one batch late), and totals of the earlier keyed layout.
 */
public class FireToCommitter<IN, K, W extends Window> extends ProcessWindowFunction<IN, FiredBatch, K, W>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final String arm;
    private final FlushToDatabase.ShardOfKey<K> shardOfKey;
    private final BatchFeedback feedback;
    private final BatchCompaction<IN> compaction;

    private transient BatchSequence batchIds;
    private transient KeyedRowTotalsMigration earlierLayout;
    private transient String task;
    private transient CommitFeedback charges;
    private transient int maxParallelism;

    /**
     * @param feedback the handle of the trigger that fires this function ({@code BatchFeedback.of(trigger)})
     * @param compaction how the window's contents (events or pre-compacted bundles) become one batch
     */
    public FireToCommitter(String arm, FlushToDatabase.ShardOfKey<K> shardOfKey, BatchFeedback feedback,
            BatchCompaction<IN> compaction) {
        this.compaction = Objects.requireNonNull(compaction, "compaction");
        this.arm = Objects.requireNonNull(arm, "arm");
        this.shardOfKey = Objects.requireNonNull(shardOfKey, "shardOfKey");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        earlierLayout = new KeyedRowTotalsMigration(context.getKeyedStateStore(), context.isRestored());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void open(OpenContext openContext) {
        batchIds = new BatchSequence(getRuntimeContext());
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        task = taskOf(getRuntimeContext(), arm);
        charges = CommitFeedback.of(task);
    }

    /** The board name of an arm's subtask attempt, as both sides compute it. */
    static String taskOf(RuntimeContext context, String arm) {
        return context.getJobInfo().getJobId() + "/" + arm + "/" + context.getTaskInfo().getIndexOfThisSubtask()
                + "/" + context.getTaskInfo().getAttemptNumber();
    }

    @Override
    public void process(K key, Context context, Iterable<IN> contents, Collector<FiredBatch> out) throws Exception {
        CompactedBatch batch = compaction.compact(contents); // the only pass over the batch's contents
        FlushTarget target = feedback.takeTarget(context.windowState());
        int shard = shardOfKey.shardOf(key);
        String keyLabel = BatchSequence.label(shard, key);
        CommitFeedback.Charge charged = charges.take(keyLabel);
        if (charged != null) {
            feedback.record(context.windowState(), charged.events, Duration.ofNanos(charged.nanos),
                    Duration.ofNanos(charged.transactionNanos()));
        }
        if (batch.events == 0) {
            return;
        }
        FiredBatch fired = new FiredBatch();
        fired.batch = batch;
        fired.keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
        fired.shard = shard;
        fired.keyLabel = keyLabel;
        fired.batchId = batchIds.nextId(keyLabel);
        fired.targetSize = target.plannedSize();
        fired.flushReason = target.reasonLabel();
        fired.plannedDeadline = target.plannedDeadlineMillis();
        fired.predictedWriteMillis = target.predictedWriteMillis();
        KeyedRowTotalsMigration.Carried carried = earlierLayout.takeCurrentKey(key);
        if (carried != null) {
            fired.carriedTotals = carried.rows;
            fired.carriedHorizon = carried.horizon;
        }
        out.collect(fired);
    }

    @Override
    public void close() {
        if (task != null) {
            CommitFeedback.release(task);
        }
    }
}
