package io.dynbatch.job.model;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What one committed batch cost, how fresh it made the data, and why it was flushed: emitted by the
 * database flush after each commit, one per shard batch. Under group commit one transaction covers
 * every shard batch of a subtask that fired together; each still has its own receipt, with its own
 * flush reason and plan (a key that joined another key's commit round says {@code round}), its share
 * of the write time, and the transaction's counts on the first receipt of the group only. A Flink
 * POJO.
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
    /**
     * The planned size: what the adaptive trigger's last plan expected the batch to reach ({@code
     * FlushTarget#plannedSize}); -1 for other arms. The batch log's {@code planned_size}.
     */
    public long targetSize = -1;
    /**
     * Why the trigger flushed the batch: a {@code FlushReason} label ({@code size}, {@code
     * memory_cap}, {@code latency}, {@code utilisation}, {@code backlog}, {@code max_delay}, {@code
     * end_of_input}, {@code round}); null for arms whose trigger does not say (Flink's own triggers:
     * builtin, tumbling_1min).
     */
    public String flushReason;
    /**
     * The deadline the trigger had planned for the batch, epoch ms (processing time): the adaptive
     * trigger's last planned deadline, the static trigger's timer; -1 if none.
     */
    public long plannedDeadline = -1;
    /**
     * The write time the adaptive trigger's cost model predicted for a batch of the planned size
     * (ms; compare {@link #writeMillis}, which is this batch's share of its transaction); NaN if none.
     */
    public double predictedWriteMillis = Double.NaN;
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
        return "BatchReceipt{" + batchId + ", events=" + events + ", rows=" + rows + ", writeMs=" + writeMillis
                + (flushReason == null ? "" : ", reason=" + flushReason) + "}";
    }
}
