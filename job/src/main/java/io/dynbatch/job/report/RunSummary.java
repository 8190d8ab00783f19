package io.dynbatch.job.report;

import io.dynbatch.job.model.BatchReceipt;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;

/**
 * Adds up batch receipts per arm: events, batches, transactions, rows, database time and the exact
 * insight-latency distribution (HdrHistogram, merged from every receipt, not sampled).
 */
public final class RunSummary {

    /** Totals of one arm. */
    public static final class ArmTotals {
        public long events;
        public long batches;
        public long transactions;
        public long rows;
        public long dbMillis;
        public long retries;
        public final Histogram latency = new Histogram(3);

        /** Database time per 1,000 events, in ms. */
        public double dbMillisPer1kEvents() {
            return events == 0 ? 0 : dbMillis * 1000.0 / events;
        }

        public long latencyPercentileMillis(double percentile) {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
        }
    }

    private final Map<String, ArmTotals> arms = new TreeMap<>();

    public void add(BatchReceipt r) {
        ArmTotals t = arms.computeIfAbsent(r.arm, a -> new ArmTotals());
        t.events += r.events;
        t.batches++;
        t.transactions += r.transactions;
        t.rows += r.rows;
        t.dbMillis += r.writeMillis;
        t.retries += r.retries;
        try {
            t.latency.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(r.latencyHistogram), 0));
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt latency histogram in receipt " + r.batchId, e);
        }
    }

    public Map<String, ArmTotals> arms() {
        return arms;
    }

    public long totalEvents() {
        return arms.values().stream().mapToLong(t -> t.events).sum();
    }

    /** The summary as a fixed-width table, one line per arm. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String header = String.format("%-9s %11s %8s %12s %10s %14s %9s %9s %9s",
                "arm", "events", "batches", "transactions", "rows", "DB ms/1k ev", "p50 ms", "p99 ms", "max ms");
        sb.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        arms.forEach((arm, t) -> sb.append(String.format("%-9s %11d %8d %12d %10d %14.2f %9d %9d %9d%n",
                arm, t.events, t.batches, t.transactions, t.rows, t.dbMillisPer1kEvents(),
                t.latencyPercentileMillis(50), t.latencyPercentileMillis(99), t.latency.getMaxValue())));
        return sb.toString();
    }

    /** The summary as CSV with a header line. */
    public String csv() {
        StringBuilder sb = new StringBuilder(
                "arm,events,batches,transactions,rows,db_ms,db_ms_per_1k_events,p50_ms,p95_ms,p99_ms,max_ms,retries\n");
        arms.forEach((arm, t) -> sb.append(String.format(java.util.Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.3f,%d,%d,%d,%d,%d%n",
                arm, t.events, t.batches, t.transactions, t.rows, t.dbMillis, t.dbMillisPer1kEvents(),
                t.latencyPercentileMillis(50), t.latencyPercentileMillis(95), t.latencyPercentileMillis(99),
                t.latency.getMaxValue(), t.retries)));
        return sb.toString();
    }
}
