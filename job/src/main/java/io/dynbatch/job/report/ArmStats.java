package io.dynbatch.job.report;

import io.dynbatch.job.model.BatchReceipt;

import org.HdrHistogram.Histogram;


/**
 * What one arm did over some span (an interval or a whole run), added up from its batch receipts:
 * events, batches, transactions, rows, database time, retries and the exact insight-latency
 * distribution (HdrHistogram merged from every receipt, one value per event, not a sample).
 */
public final class ArmStats {

    public long events;
    public long batches;
    public long transactions;
    public long rows;
    public long dbMillis;
    public long retries;
    public final Histogram latency = new Histogram(3);

    public void add(BatchReceipt r) {
        events += r.events - r.rejectedEvents; // rejected rows' events went to the dead-letter table
        batches++;
        transactions += r.transactions;
        rows += r.rows;
        dbMillis += r.writeMillis;
        retries += r.retries;
        latency.add(r.decodeLatency());
    }

    /** Database time per 1,000 events, in ms. */
    public double dbMillisPer1kEvents() {
        return events == 0 ? 0 : dbMillis * 1000.0 / events;
    }

    public double costPer1kEvents(CostModel model) {
        return model.costPer1kEvents(transactions, rows, events);
    }

    public long latencyPercentileMillis(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }

    public long maxLatencyMillis() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue();
    }

    /** Whether the span met a p99 insight-latency SLO (a span without events meets it). */
    public boolean meetsSlo(long sloMillis) {
        return latencyPercentileMillis(99) <= sloMillis;
    }
}
