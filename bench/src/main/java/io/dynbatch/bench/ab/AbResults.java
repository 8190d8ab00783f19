package io.dynbatch.bench.ab;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.report.ArmStats;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.report.RunSummary;
import io.dynbatch.job.report.TableFormat;
import io.dynbatch.job.source.ClickstreamGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The A/B benchmark's result files in {@code results/ab/}, which the notebooks read (columns in
 * notebooks/README.md): {@code ab_summary.csv}, {@code ab_intervals.csv}, {@code ab_batches.csv},
 * {@code ab_latency_cdf.csv}, {@code ab_traffic.csv}, the printed table {@code ab_table.txt},
 * {@code environment.json}, and {@code ab_static_choice.csv}: the cheapest static setting that met the
 * SLO per scenario and in all of them, against adaptive ({@link StaticChoice}). Rows are rendered as
 * they are added.
 */
final class AbResults {

    record SummaryRow(String scenario, String arm, ArmStats s, long[] slo, long xactCommits, long tuples,
            long walBytes) {}

    record IntervalRow(String scenario, String arm, long start, ArmStats s) {}

    record BatchRow(String scenario, BatchReceipt r) {}

    record CdfRow(String scenario, String arm, double percentile, long latencyMillis) {}

    record TrafficRow(String scenario, long second, long events) {}

    /** The columns of every arm's span: events ... slo_ms ({@link ArmStats#columns}). */
    private static final TableFormat<ArmStats> ARM_SPAN = ArmStats.columns(CostModel.defaults(), AbBenchmark.SLO_MILLIS);

    static final TableFormat<SummaryRow> SUMMARY = TableFormat.<SummaryRow>of()
            .column("scenario", SummaryRow::scenario).column("arm", SummaryRow::arm)
            .columns(ARM_SPAN, SummaryRow::s)
            .column("intervals", r -> r.slo()[1]).column("intervals_slo_met", r -> r.slo()[0])
            .column("pg_xact_commit", SummaryRow::xactCommits).column("pg_tuples_written", SummaryRow::tuples)
            .column("pg_wal_bytes", SummaryRow::walBytes);

    static final TableFormat<IntervalRow> INTERVALS = TableFormat.<IntervalRow>of()
            .column("scenario", IntervalRow::scenario).column("arm", IntervalRow::arm)
            .column("interval_start_ms", IntervalRow::start)
            .column("interval_s", r -> AbBenchmark.INTERVAL_MILLIS / 1000)
            .columns(ARM_SPAN, IntervalRow::s)
            .column("slo_met", r -> r.s().meetsSlo(AbBenchmark.SLO_MILLIS))
            .column("mean_ms", r -> TableFormat.decimals(r.s().meanLatencyMillis(), 1));

    static final TableFormat<BatchRow> BATCHES = TableFormat.<BatchRow>of()
            .column("scenario", BatchRow::scenario).column("arm", b -> b.r().arm)
            .column("shard", b -> b.r().shard).column("batch_id", b -> b.r().batchId)
            .column("commit_time_ms", b -> b.r().commitTime).column("events", b -> b.r().events)
            .column("rows", b -> b.r().rows).column("statements", b -> b.r().statements)
            .column("write_ms", b -> b.r().writeMillis).column("oldest_ingest_ms", b -> b.r().oldestIngest)
            .column("target_size", b -> b.r().targetSize >= 0 ? String.valueOf(b.r().targetSize) : "")
            // why and what was planned (after the earlier columns, so that their readers keep working);
            // planned_size is target_size again, under the batch log's name
            .column("reason", b -> b.r().flushReason == null ? "" : b.r().flushReason)
            .column("planned_size", b -> b.r().targetSize >= 0 ? String.valueOf(b.r().targetSize) : "")
            .column("planned_deadline_ms", b -> b.r().plannedDeadline >= 0 ? String.valueOf(b.r().plannedDeadline) : "")
            .column("predicted_write_ms", b -> Double.isFinite(b.r().predictedWriteMillis)
                    ? TableFormat.decimals(b.r().predictedWriteMillis, 2) : "");

    static final TableFormat<CdfRow> CDF = TableFormat.<CdfRow>of()
            .column("scenario", CdfRow::scenario).column("arm", CdfRow::arm)
            .column("percentile", CdfRow::percentile).column("latency_ms", CdfRow::latencyMillis);

    static final TableFormat<TrafficRow> TRAFFIC = TableFormat.<TrafficRow>of()
            .column("scenario", TrafficRow::scenario).column("second", TrafficRow::second)
            .column("events", TrafficRow::events);

    private final StringBuilder summaryCsv = new StringBuilder(SUMMARY.csvHeader());
    private final StringBuilder intervalsCsv = new StringBuilder(INTERVALS.csvHeader());
    private final StringBuilder batchesCsv = new StringBuilder(BATCHES.csvHeader());
    private final StringBuilder cdfCsv = new StringBuilder(CDF.csvHeader());
    private final StringBuilder trafficCsv = new StringBuilder(TRAFFIC.csvHeader());
    private final StringBuilder printed = new StringBuilder();
    private final List<StaticChoice.Outcome> outcomes = new ArrayList<>();

    /** The printed table of every scenario so far, then the static choice over them. */
    String printed() {
        return printed + (outcomes.isEmpty() ? "" : StaticChoice.printed(StaticChoice.choose(outcomes)));
    }

    void batch(String scenario, BatchReceipt r) {
        batchesCsv.append(BATCHES.csvLine(new BatchRow(scenario, r)));
    }

    /** The events due in each second of the scenario's traffic. */
    void traffic(String scenario, ClickstreamGenerator generator) {
        TreeMap<Long, Long> perSecond = new TreeMap<>();
        for (long i = 0; i < generator.totalEvents(); i++) {
            perSecond.merge((generator.dueAt(i) - generator.startMillis()) / 1000, 1L, Long::sum);
        }
        perSecond.forEach((second, n) -> trafficCsv.append(TRAFFIC.csvLine(new TrafficRow(scenario, second, n))));
    }

    /** A scenario's table (printed) and its summary, latency CDF and interval rows. */
    void scenario(String scenario, RunSummary summary, Map<String, Long> tuples, long xactCommits, long walBytes) {
        CostModel cost = CostModel.defaults();
        long sloMillis = AbBenchmark.SLO_MILLIS;
        printed.append(String.format("%s (SLO p99 <= %d ms per 10-s interval; PostgreSQL: %,d commits, %,d WAL bytes "
                + "for all arms)%n", scenario, sloMillis, xactCommits, walBytes));
        int width = Math.max(13, summary.arms().keySet().stream().mapToInt(String::length).max().orElse(0));
        printed.append(String.format("%-" + width + "s %9s %9s %12s %9s %9s %9s %9s %10s%n", "arm", "p50 ms", "p99 ms",
                "SLO ivls", "tx/1k", "DBms/1k", "cost/1k", "tuples", "recovered"));
        for (Map.Entry<String, ArmStats> e : summary.arms().entrySet()) {
            String arm = e.getKey();
            ArmStats s = e.getValue();
            long[] slo = summary.sloIntervals(arm);
            double txPer1k = s.events == 0 ? 0 : s.transactions * 1000.0 / s.events;
            TreeMap<Long, ArmStats> armIntervals = summary.intervals().get(arm);
            String recovered = recoveredAt(armIntervals, sloMillis);
            printed.append(String.format(Locale.ROOT, "%-" + width + "s %9d %9d %12s %9.3f %9.2f %9.2f %9d %10s%n", arm,
                    s.latencyPercentileMillis(50), s.latencyPercentileMillis(99), slo[0] + "/" + slo[1], txPer1k,
                    s.dbMillisPer1kEvents(), s.costPer1kEvents(cost), tuples.getOrDefault(arm, 0L), recovered));
            outcomes.add(new StaticChoice.Outcome(scenario, arm, s.transactions, slo[1], slo[0],
                    recoveredByMidpoint(armIntervals, sloMillis)));
            summaryCsv.append(SUMMARY.csvLine(new SummaryRow(scenario, arm, s, slo, xactCommits,
                    tuples.getOrDefault(arm, 0L), walBytes)));
            for (double pct : percentiles()) {
                cdfCsv.append(CDF.csvLine(new CdfRow(scenario, arm, pct, s.latencyPercentileMillis(pct))));
            }
            for (Map.Entry<Long, ArmStats> i : summary.intervals().get(arm).entrySet()) {
                intervalsCsv.append(INTERVALS.csvLine(new IntervalRow(scenario, arm, i.getKey(), i.getValue())));
            }
        }
        printed.append('\n');
    }

    /**
     * Seconds from the first interval until the SLO held in every later interval ("never" if it did
     * not), marked "late" when that came after the run's midpoint ({@link #recoveredByMidpoint}).
     */
    static String recoveredAt(TreeMap<Long, ArmStats> intervals, long sloMillis) {
        int since = recoveryIndex(intervals, sloMillis);
        if (since < 0) {
            return "never";
        }
        long seconds = (intervals.keySet().stream().skip(since).findFirst().orElseThrow() - intervals.firstKey())
                / 1000;
        return seconds + (byMidpoint(since, intervals) ? " s" : " s late");
    }

    /**
     * Whether the arm was back within the SLO for good by the middle of the run: the SLO held in
     * every interval from the middle one (or an earlier one) to the end. The backlog scenario's
     * backlog is the first half of its traffic, so its second half is live traffic; an arm that
     * recovers only later is running behind the live traffic, and a recovery counted from any later
     * interval could rest on the run's last, nearly empty one.
     */
    static boolean recoveredByMidpoint(TreeMap<Long, ArmStats> intervals, long sloMillis) {
        int since = recoveryIndex(intervals, sloMillis);
        return since >= 0 && byMidpoint(since, intervals);
    }

    /** Whether the interval at {@code index} is the middle one of {@code intervals} or earlier. */
    private static boolean byMidpoint(int index, TreeMap<Long, ArmStats> intervals) {
        return index <= intervals.size() / 2;
    }

    /** The index of the first interval of the run's last stretch that met the SLO (-1: the last missed). */
    private static int recoveryIndex(TreeMap<Long, ArmStats> intervals, long sloMillis) {
        int since = -1;
        int index = intervals.size();
        for (ArmStats interval : intervals.descendingMap().values()) {
            index--;
            if (!interval.meetsSlo(sloMillis)) {
                break;
            }
            since = index;
        }
        return since;
    }

    /** 0, 1, ..., 100 and 99.5, 99.9, 99.99, ascending. */
    static double[] percentiles() {
        double[] p = new double[104];
        for (int i = 0; i <= 100; i++) {
            p[i] = i;
        }
        p[101] = 99.5;
        p[102] = 99.9;
        p[103] = 99.99;
        Arrays.sort(p);
        return p;
    }

    /** Writes the files, {@code environment.json} from {@code environment}. */
    void write(Path out, AbEnvironment environment) throws IOException {
        Files.writeString(out.resolve("ab_summary.csv"), summaryCsv);
        Files.writeString(out.resolve("ab_intervals.csv"), intervalsCsv);
        Files.writeString(out.resolve("ab_batches.csv"), batchesCsv);
        Files.writeString(out.resolve("ab_latency_cdf.csv"), cdfCsv);
        Files.writeString(out.resolve("ab_traffic.csv"), trafficCsv);
        Files.writeString(out.resolve("ab_table.txt"), printed());
        StringBuilder choice = new StringBuilder(StaticChoice.CSV.csvHeader());
        StaticChoice.choose(outcomes).forEach(r -> choice.append(StaticChoice.CSV.csvLine(r)));
        Files.writeString(out.resolve("ab_static_choice.csv"), choice);
        Files.writeString(out.resolve("environment.json"), environment.json());
    }
}
