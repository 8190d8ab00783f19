package io.dynbatch.job.model;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;

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
     * HdrHistogram of commit time minus ingest time, one value per committed event ({@code events -
     * rejectedEvents} values), in HdrHistogram's plain encoding (already run-length and varint
     * packed; the deflated form costs a Deflater per batch for little gain): {@link #encodeLatency},
     * {@link #decodeLatency}.
     */
    public byte[] latencyHistogram;

    public BatchReceipt() {}

    /** The encoding of {@link #latencyHistogram}. */
    public static byte[] encodeLatency(Histogram latency) {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int size = latency.encodeIntoByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), size);
    }

    /** This receipt's latency histogram, decoded. */
    public Histogram decodeLatency() {
        return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(latencyHistogram), 0);
    }

    @Override
    public String toString() {
        return "BatchReceipt{" + batchId + ", events=" + events + ", rows=" + rows + ", writeMs=" + writeMillis + "}";
    }
}
