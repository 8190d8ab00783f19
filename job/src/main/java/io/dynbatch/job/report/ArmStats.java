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

    /**
     * The columns every report of an arm's span has, in this order: {@code events, batches,
     * transactions, rows, db_ms, db_ms_per_1k, cost_per_1k, p50_ms, p95_ms, p99_ms, max_ms, slo_ms}. The
     * run summary's CSV and the A/B benchmark's summary and interval files are written with them (the
     * comparator's {@code ab_report} table keeps its own schema).
     */
    public static TableFormat<ArmStats> columns(CostModel costModel, long sloMillis) {
        return TableFormat.<ArmStats>of()
                .column("events", s -> s.events)
                .column("batches", s -> s.batches)
                .column("transactions", s -> s.transactions)
                .column("rows", s -> s.rows)
                .column("db_ms", s -> s.dbMillis)
                .column("db_ms_per_1k", s -> TableFormat.decimals(s.dbMillisPer1kEvents(), 3))
                .column("cost_per_1k", s -> TableFormat.decimals(s.costPer1kEvents(costModel), 3))
                .column("p50_ms", s -> s.latencyPercentileMillis(50))
                .column("p95_ms", s -> s.latencyPercentileMillis(95))
                .column("p99_ms", s -> s.latencyPercentileMillis(99))
                .column("max_ms", ArmStats::maxLatencyMillis)
                .column("slo_ms", s -> sloMillis);
    }

    /** Mean insight latency in ms (0 without events). */
    public double meanLatencyMillis() {
        return latency.getTotalCount() == 0 ? 0.0 : latency.getMean();
    }

    /** Whether the span met a p99 insight-latency SLO (a span without events meets it). */
    public boolean meetsSlo(long sloMillis) {
        return latencyPercentileMillis(99) <= sloMillis;
    }
}
