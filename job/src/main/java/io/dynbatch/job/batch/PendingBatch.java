package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import java.util.HashMap;
import java.util.Map;

/**
 * One shard's pending batch, compacted: event counts per row plus event counts per ingest
 * millisecond (exact insight latency per event at commit, in space proportional to distinct rows
 * and milliseconds, not to events). A Flink POJO whose map fields use Flink's built-in map
 * serializer (no Kryo).
 */
public class PendingBatch {

    /** Events per (page, event type, minute) row. */
    public Map<RowKey, Long> rowCounts = new HashMap<>();
    /** Events per ingest time (epoch millis). */
    public Map<Long, Long> ingestCounts = new HashMap<>();
    public long events;

    public PendingBatch() {}

    public void add(ClickEvent e) {
        rowCounts.merge(RowKey.of(e), 1L, Long::sum);
        ingestCounts.merge(e.ingestTime, 1L, Long::sum);
        events++;
    }

    public void addAll(PendingBatch other) {
        other.rowCounts.forEach((k, v) -> rowCounts.merge(k, v, Long::sum));
        other.ingestCounts.forEach((k, v) -> ingestCounts.merge(k, v, Long::sum));
        events += other.events;
    }

    /** Ingest time of the oldest event, or {@code Long.MAX_VALUE} if empty. */
    public long oldestIngest() {
        long oldest = Long.MAX_VALUE;
        for (long t : ingestCounts.keySet()) {
            oldest = Math.min(oldest, t);
        }
        return oldest;
    }
}
