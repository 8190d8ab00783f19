package io.dynbatch.job.sink;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.FiredBatch;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.FlushTarget;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A subtask's committer: the shard batches its window function fires are written here, those that
 * fire together in ONE transaction (group commit), so transactions per subtask and cycle do not
 * grow with the number of shards the subtask holds. Chained right after the window operator
 * (forward, same parallelism), so it sees exactly the shards of its subtask.
 *
 * <p>When a group is written: a batch arriving registers a processing-time timer for "now", which
 * runs after the task's current mailbox action, so every batch fired in the same timer round (all
 * timers due at once) or the same pass is in the group. Nothing stays buffered across a checkpoint barrier ({@link
 * #prepareSnapshotPreBarrier}), a watermark (the receipts keep their order with it) or the end of
 * input: a batch handed over is committed before the checkpoint that no longer holds it in window
 * state, so a failure between a firing and its commit replays the batch from the checkpoint.
 *
 * <p>State: the running per-row totals ({@link RowTotals}, union operator state by key group, so
 * they follow their keys through a rescale). The commit itself, the receipts and the dead letters
 * are {@link BatchCommitter}'s; each batch's share of the write time is charged to its key for its
 * trigger's cost model ({@link CommitFeedback}).
 */
public class GroupCommitOperator extends AbstractStreamOperator<BatchReceipt>
        implements OneInputStreamOperator<FiredBatch, BatchReceipt>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final String arm;
    private final DatabaseSettings database;
    private final RetryPolicy retryPolicy;
    private final long allowedLatenessMillis;
    private final FlushToDatabase.ConnectionSource connectionSource;

    private transient RowTotals totals;
    private transient CommitPath commits;
    private transient List<FiredBatch> pending;
    private transient boolean flushScheduled;
    private transient long watermark;
    private transient String task;
    private transient CommitFeedback charges;

    /**
     * @param allowedLatenessMillis row totals of minutes closed before {@code watermark -
     *     allowedLateness} are pruned (the late-event router uses the same bound)
     */
    public GroupCommitOperator(String arm, DatabaseSettings database, RetryPolicy retryPolicy,
            long allowedLatenessMillis, FlushToDatabase.ConnectionSource connections) {
        this.arm = Objects.requireNonNull(arm, "arm");
        this.database = Objects.requireNonNull(database, "database");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.connectionSource = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        totals = RowTotals.restore(context.getOperatorStateStore(), getRuntimeContext().getTaskInfo(),
                allowedLatenessMillis);
    }

    @Override
    public void open() throws Exception {
        super.open();
        commits = new CommitPath(arm, database, retryPolicy, connectionSource, getRuntimeContext().getMetricGroup());
        pending = new ArrayList<>();
        watermark = Long.MIN_VALUE;
        task = FireToCommitter.taskOf(getRuntimeContext(), arm);
        charges = CommitFeedback.of(task);
    }

    @Override
    public void processElement(StreamRecord<FiredBatch> element) throws Exception {
        FiredBatch fired = element.getValue();
        if (fired.carriedTotals != null) { // the earlier layout's totals of this key, before its first batch
            fired.carriedTotals.forEach((row, total) -> totals.put(fired.keyGroup, row, total));
            totals.raiseHorizon(fired.keyGroup, fired.carriedHorizon);
        }
        pending.add(fired);
        if (!flushScheduled) {
            flushScheduled = true;
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime(),
                    time -> commitPending());
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        commitPending();
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        commitPending();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        totals.snapshot();
    }

    @Override
    public void endInput() throws Exception {
        commitPending();
    }

    @Override
    public void finish() throws Exception {
        commitPending();
        super.finish();
    }

    /** Writes the batches handed over since the last commit in one transaction. */
    private void commitPending() throws Exception {
        flushScheduled = false;
        if (pending.isEmpty()) {
            return;
        }
        List<FiredBatch> fired = pending;
        pending = new ArrayList<>();
        List<BatchCommitter.ShardBatch> group = new ArrayList<>(fired.size());
        for (FiredBatch f : fired) {
            group.add(new BatchCommitter.ShardBatch(f.batch, f.keyGroup, f.shard, f.batchId, new FlushTarget(
                    f.flushReason == null ? null : FlushReason.ofLabel(f.flushReason), f.targetSize, f.plannedDeadline,
                    f.predictedWriteMillis)));
        }
        BatchCommitter.Result result = commits.commit(group, totals, watermark);
        for (int b = 0; b < fired.size(); b++) {
            charges.charge(fired.get(b).keyLabel, result.receipts.get(b).events, result.attributedNanos[b],
                    result.tookNanos);
        }
        for (DeadLetter letter : result.deadLetters) {
            output.collect(FlushToDatabase.REJECTED_ROWS, new StreamRecord<>(letter));
        }
        for (BatchReceipt receipt : result.receipts) {
            output.collect(new StreamRecord<>(receipt));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (commits != null) {
                commits.close();
            }
            if (task != null) {
                CommitFeedback.release(task);
            }
        } finally {
            super.close();
        }
    }
}
