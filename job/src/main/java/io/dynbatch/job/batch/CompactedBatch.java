package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import java.util.HashMap;
import java.util.Map;

/**
 * One shard's fired batch, compacted: event counts per row, plus each row's events' ingest times
 * ({@link IngestTimeRuns}), so that at commit the insight latency of exactly the events that were
 * committed can be recorded: a row the database rejects, or one dead-lettered as late, takes its
 * events' ingest times with it.
 *
 * <p>Built by the window function from the window's events ({@link #of(Iterable)}), once per batch,
 * and never kept in state: the window keeps the events themselves in list state, whose append is
 * O(1) on RocksDB, where an aggregate of this would be read and rewritten whole for every event.
 *
 * <p>Why per row: counts per ingest millisecond for the whole batch cannot say which events
 * belonged to a rejected row, and rejections are known only at write time, so the joint (row,
 * ingest time) is kept, as 4-byte runs: at most one run per event, fewer where a row's events share
 * milliseconds. The row counts stay a map of their own, so the totals never depend on the runs.
 */
public class CompactedBatch {

    /** Events per (page, event type, minute) row. */
    public Map<RowKey, Long> rowCounts = new HashMap<>();
    /** Each row's events' ingest times (epoch millis), run-length encoded. */
    public Map<RowKey, IngestTimeRuns> rowIngestTimes = new HashMap<>();
    public long events;

    public CompactedBatch() {}

    /** The batch of {@code events}, compacted. */
    public static CompactedBatch of(Iterable<ClickEvent> events) {
        CompactedBatch batch = new CompactedBatch();
        for (ClickEvent e : events) {
            batch.add(e);
        }
        return batch;
    }

    public void add(ClickEvent e) {
        RowKey row = RowKey.of(e);
        rowCounts.merge(row, 1L, Long::sum);
        rowIngestTimes.computeIfAbsent(row, r -> new IngestTimeRuns()).add((int) (e.ingestTime - row.minute));
        events++;
    }

    public void addAll(CompactedBatch other) {
        other.rowCounts.forEach((k, v) -> rowCounts.merge(k, v, Long::sum));
        other.rowIngestTimes.forEach((k, v) -> rowIngestTimes.computeIfAbsent(k, r -> new IngestTimeRuns()).addAll(v));
        events += other.events;
    }

    /** Calls {@code consumer} with the ingest times of {@code row}'s events (and how many had each). */
    public void forEachIngestTime(RowKey row, IngestTimeRuns.RunConsumer consumer) {
        IngestTimeRuns runs = rowIngestTimes.get(row);
        if (runs != null) {
            runs.forEach(row.minute, consumer);
        }
    }

    /** Ingest time of the oldest event, or {@code Long.MAX_VALUE} if empty. */
    public long oldestIngest() {
        long[] oldest = {Long.MAX_VALUE};
        rowIngestTimes.keySet().forEach(row -> forEachIngestTime(row, (ingest, n) -> oldest[0] = Math.min(oldest[0], ingest)));
        return oldest[0];
    }
}
