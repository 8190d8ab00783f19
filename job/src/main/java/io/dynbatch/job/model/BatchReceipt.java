package io.dynbatch.job.model;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What one committed batch cost and how fresh it made the data: emitted by the database flush
 * after each commit, one per transaction. A Flink POJO.
 */
public class BatchReceipt {

    /** The A/B arm that wrote it, e.g. {@code static} or {@code adaptive}. */
    public String arm;
    public int shard;
    /** Per shard and arm, increasing: {@code <arm>-<shard>-<sequence>}. */
    public String batchId;
    public long events;
    /** Distinct rows written. */
    public int rows;
    /** SQL statements executed for the batch, failed attempts included (1 when all goes well). */
    public int statements;
    /** Committed transactions (1 unless a poison row forced bisection). */
    public int transactions;
    /**
     * Events of rows the database rejected permanently or that were late for a closed minute (sent
     * to the dead-letter table); {@code events - rejectedEvents} were committed.
     */
    public long rejectedEvents;
    /** Wall time from begin to commit, including retries. */
    public long writeMillis;
    /** Retries after transient database errors. */
    public int retries;
    public long commitTime;
    public long oldestIngest;
    /** The size the adaptive trigger planned for the batch ({@code FlushTarget}); -1 for other arms. */
    public long targetSize = -1;
    /**
     * Commit time minus ingest time, one value per committed event ({@code events - rejectedEvents}
     * values), encoded by {@link LatencyCounts} (sorted pairs for a few distinct latencies, an
     * HdrHistogram for many): {@link #decodeLatency}.
     */
    public byte[] latencyHistogram;

    public BatchReceipt() {}

    /** The encoding of {@link #latencyHistogram} for a histogram's values (tests and tools). */
    public static byte[] encodeLatency(Histogram latency) {
        LatencyCounts counts = new LatencyCounts();
        for (HistogramIterationValue v : latency.recordedValues()) {
            counts.add(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
        }
        return counts.encode();
    }

    /** This receipt's latency histogram, decoded. */
    public Histogram decodeLatency() {
        return LatencyCounts.decode(latencyHistogram);
    }

    @Override
    public String toString() {
        return "BatchReceipt{" + batchId + ", events=" + events + ", rows=" + rows + ", writeMs=" + writeMillis + "}";
    }
}
