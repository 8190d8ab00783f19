package io.dynbatch.job.report;

import io.dynbatch.job.model.BatchReceipt;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up batch receipts per arm, in total and per reporting interval of commit time, and renders
 * the A/B table and CSV files.
 */
public final class RunSummary {

    private final long intervalMillis;
    private final long sloMillis;
    private final CostModel costModel;
    private final Map<String, ArmStats> totals = new TreeMap<>();
    private final Map<String, TreeMap<Long, ArmStats>> intervals = new TreeMap<>();

    public RunSummary(long intervalMillis, long sloMillis, CostModel costModel) {
        this.intervalMillis = intervalMillis;
        this.sloMillis = sloMillis;
        this.costModel = costModel;
    }

    public void add(BatchReceipt r) {
        totals.computeIfAbsent(r.arm, a -> new ArmStats()).add(r);
        long start = Math.floorDiv(r.commitTime, intervalMillis) * intervalMillis;
        intervals.computeIfAbsent(r.arm, a -> new TreeMap<>()).computeIfAbsent(start, s -> new ArmStats()).add(r);
    }

    public Map<String, ArmStats> arms() {
        return totals;
    }

    public Map<String, TreeMap<Long, ArmStats>> intervals() {
        return intervals;
    }

    public long totalEvents() {
        return totals.values().stream().mapToLong(t -> t.events).sum();
    }

    /** Intervals (with commits) in which the arm met the SLO, and all its intervals. */
    public long[] sloIntervals(String arm) {
        TreeMap<Long, ArmStats> byInterval = intervals.getOrDefault(arm, new TreeMap<>());
        long met = byInterval.values().stream().filter(s -> s.meetsSlo(sloMillis)).count();
        return new long[] {met, byInterval.size()};
    }

    /** The A/B table: one line per arm. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String arms = "%-" + Math.max(13, totals.keySet().stream().mapToInt(String::length).max().orElse(0)) + "s";
        String header = String.format(arms + " %10s %8s %6s %9s %9s %9s %7s %7s %7s %7s %9s",
                "arm", "events", "batches", "tx", "rows", "DBms/1k", "cost/1k", "p50ms", "p95ms", "p99ms", "maxms",
                "SLO ivls");
        sb.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        totals.forEach((arm, t) -> {
            long[] slo = sloIntervals(arm);
            sb.append(String.format(Locale.ROOT, arms + " %10d %8d %6d %9d %9.2f %9.2f %7d %7d %7d %7d %9s%n",
                    arm, t.events, t.batches, t.transactions, t.rows, t.dbMillisPer1kEvents(),
                    t.costPer1kEvents(costModel), t.latencyPercentileMillis(50), t.latencyPercentileMillis(95),
                    t.latencyPercentileMillis(99), t.maxLatencyMillis(), slo[0] + "/" + slo[1]));
        });
        return sb.toString();
    }

    /** Totals per arm as CSV (header line first). */
    public String csv() {
        return csvFormat().csv(totals.entrySet());
    }

    /** The columns of {@link #csv()}, one row per arm. */
    private TableFormat<Map.Entry<String, ArmStats>> csvFormat() {
        return TableFormat.<Map.Entry<String, ArmStats>>of()
                .column("arm", Map.Entry::getKey)
                .columns(ArmStats.columns(costModel, sloMillis), Map.Entry::getValue)
                .column("intervals", e -> sloIntervals(e.getKey())[1])
                .column("intervals_slo_met", e -> sloIntervals(e.getKey())[0])
                .column("retries", e -> e.getValue().retries);
    }
}
