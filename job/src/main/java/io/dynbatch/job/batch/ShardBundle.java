package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One shard's events from one subtask's pre-compaction bundle ({@link PreCompactByShard}), already
 * compacted to rows with their ingest times: what the shard-keyed windows keep and the shuffle
 * carries instead of the events one by one. A batch is the merge of its bundles ({@link
 * CompactedBatch#addAll}), so totals, receipts and dead letters are the same as from the events.
 *
 * <p>Serialized by its own {@link ShardBundleSerializer} (registered with {@code @TypeInfo}), never
 * Kryo. Its record timestamp is {@link #oldestIngest}, the ingest time a latency deadline counts from.
 */
@TypeInfo(ShardBundleTypeInfo.class)
public class ShardBundle {

    /** The shard all rows belong to. */
    public int shard;
    /** The events, compacted. */
    public CompactedBatch rows = new CompactedBatch();
    /** Ingest time (epoch millis) of the oldest event, {@code Long.MAX_VALUE} while empty. */
    public long oldestIngest = Long.MAX_VALUE;

    public ShardBundle() {}

    public ShardBundle(int shard) {
        this.shard = shard;
    }

    public void add(ClickEvent e) {
        rows.add(e);
        oldestIngest = Math.min(oldestIngest, e.ingestTime);
    }

    /** Events in the bundle. */
    public long events() {
        return rows.events;
    }

    /** The batch of {@code bundles}, merged: the window function's one pass over a fired batch. */
    public static CompactedBatch merge(Iterable<ShardBundle> bundles) {
        CompactedBatch batch = new CompactedBatch();
        for (ShardBundle b : bundles) {
            batch.addAll(b.rows);
        }
        return batch;
    }

    @Override
    public String toString() {
        return "ShardBundle(shard=" + shard + ", events=" + rows.events + ", rows=" + rows.rowCounts.size() + ")";
    }
}
