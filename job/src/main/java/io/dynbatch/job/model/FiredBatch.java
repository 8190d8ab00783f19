package io.dynbatch.job.model;

import io.dynbatch.job.batch.CompactedBatch;

import java.util.Map;

/**
 * One shard's fired batch on its way from the window function to the subtask's committer, which
 * writes it, possibly together with other shards' batches, in one transaction. A Flink POJO; it
 * travels on a forward, chained edge inside one subtask.
 */
public class FiredBatch {

    /** The batch, compacted to rows. */
    public CompactedBatch batch;
    /** The key group of the window key (the committer's running totals are checkpointed by it). */
    public int keyGroup;
    /** The shard ({@code -1} if the key is not a shard). */
    public int shard;
    /** The window key's label, {@code <shard>} or {@code k<hash>}: the address of the trigger's feedback. */
    public String keyLabel;
    /** Per key, increasing: {@code <keyLabel>-<sequence>}. */
    public String batchId;
    /** The size the trigger planned for the batch, -1 if none. */
    public long targetSize = -1;
    /** Why the trigger fired the batch ({@code FlushReason} label), null if the trigger does not say. */
    public String flushReason;
    /** The deadline the trigger had planned for the batch (epoch ms), -1 if none. */
    public long plannedDeadline = -1;
    /** The write time the trigger's cost model predicted for the planned size, NaN if none. */
    public double predictedWriteMillis = Double.NaN;
    /**
     * Row totals of this key carried over from the earlier state layout (totals in keyed state),
     * for the committer to take into its running totals before this batch; null normally.
     */
    public Map<RowKey, Long> carriedTotals;
    /** The pruned horizon carried over with {@link #carriedTotals} ({@code Long.MIN_VALUE}: none). */
    public long carriedHorizon = Long.MIN_VALUE;

    public FiredBatch() {}
}
