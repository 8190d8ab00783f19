package io.dynbatch.sim;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two sweeps, every point run with the adaptive arm and the whole static grid: S2 (the 5x slow sink
 * in minutes 5-10) at constant loads of 2k to 16k events/s, and a sink whose whole cost (per call
 * and per row) degrades linearly over a 10-minute run at 8k events/s from 1x to a final factor of
 * 1x to 8x. The question at every point: does some static setting meet the SLO where adaptive does
 * not? Every point runs in both commit modes ({@link #COMMITS}): the job's default, group commit in
 * rounds, and one transaction per shard batch.
 */
public final class Sweeps {

    /** S2's load sweep, events/s per subtask. */
    public static final double[] LOADS = {2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 14_000, 16_000};

    /** The degradation sweep: the cost factor reached at the end of the run. */
    public static final double[] DEGRADATIONS = {1, 2, 3, 4, 5, 6, 7, 8};

    static final long DEGRADATION_MILLIS = 10 * 60_000;

    /**
     * The job's default commit: group commit in rounds, deadlines on a 50 ms grid ({@code
     * --commit-grid}), every shard with a pending batch flushing with the first that is due. A round
     * taking the batches due within the SLO takes every pending one: their deadlines are at most
     * maxDelay (= the SLO) away.
     */
    public static final CommitModel ROUNDS = CommitModel.group(50, Scenarios.SLO_MILLIS);

    /** The commit modes every point runs in: the job's default first. */
    public static final List<CommitModel> COMMITS = List.of(ROUNDS, CommitModel.SHARD);

    /** One point of a sweep, in one commit mode. */
    public record Point(String sweep, double x, Scenario scenario, CommitModel commit) {

        /** {@code group} or {@code shard}, as in the CSV's {@code commit} column. */
        public String commitLabel() {
            return commit.mode().label();
        }
    }

    private Sweeps() {}

    /** 10 minutes at 8k events/s, lag 100 ms, both costs growing linearly from 1x to {@code factor}. */
    public static Scenario degradingSink(double factor) {
        Scenario base = Scenarios.slowSink();
        return new Scenario(String.format(Locale.ROOT, "deg@%.0fx", factor),
                String.format(Locale.ROOT, "8k ev/s, whole write cost 1x -> %.0fx over 10 min", factor),
                DEGRADATION_MILLIS, 0, base.shardWeights(), t -> 8_000, t -> 100,
                SinkModel.steady(Scenarios.PER_CALL_MILLIS, Scenarios.PER_ROW_MILLIS,
                        Scenarios.DISTINCT_ROWS_PER_SHARD, Scenarios.WRITE_NOISE, 106)
                        .withDegradation(0, DEGRADATION_MILLIS, factor),
                base.perEventMillis(), base.sloMillis(), 6);
    }

    /** Every sweep point in every commit mode of {@link #COMMITS}, mode by mode (one scenario per point). */
    public static List<Point> points() {
        record Base(String sweep, double x, Scenario scenario) {}
        List<Base> once = new ArrayList<>();
        for (double load : LOADS) {
            once.add(new Base("s2_load", load, Sensitivity.slowSinkAt(load)));
        }
        for (double factor : DEGRADATIONS) {
            once.add(new Base("degradation", factor, degradingSink(factor)));
        }
        List<Point> out = new ArrayList<>();
        for (CommitModel commit : COMMITS) {
            for (Base b : once) {
                out.add(new Point(b.sweep(), b.x(), b.scenario(), commit));
            }
        }
        return out;
    }

    /** The adaptive arm and the static grid (no clairvoyant reference). */
    public static List<Arm> arms() {
        return Experiment.defaultArms().stream().filter(a -> !a.kind().equals("bound")).toList();
    }

    /**
     * Runs every point with {@link #arms()}, each scenario's arrivals generated once for all its
     * commit modes; the results of point {@code i} are {@link #at}{@code (results, i)}.
     */
    public static List<ArmResult> run(List<Point> points, int threads) {
        List<java.util.concurrent.Callable<ArmResult>> runs = new ArrayList<>();
        List<Arm> arms = arms();
        Map<Scenario, ArrivalTrace> traces = new IdentityHashMap<>();
        for (Point p : points) {
            ArrivalTrace trace = traces.computeIfAbsent(p.scenario(), ArrivalTrace::generate);
            SubtaskSimulator simulator = new SubtaskSimulator(p.scenario(), trace, p.commit());
            for (Arm arm : arms) {
                runs.add(() -> simulator.run(arm));
            }
        }
        return Experiment.inParallel(runs, threads, "sweep");
    }

    /** The results of {@code points.get(point)} among {@code results} of {@link #run}. */
    public static List<ArmResult> at(List<ArmResult> results, int point) {
        int arms = arms().size();
        return results.subList(point * arms, (point + 1) * arms);
    }

    /** Per point: adaptive's p99 and cost, and how many static settings meet the SLO. */
    public static String format(List<Point> points, List<ArmResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nSweeps: S2 (5x slow sink in minutes 5-10) by load; whole-cost "
                + "degradation 1x -> x over 10 min at 8k ev/s%n"));
        sb.append(String.format(Locale.ROOT, "%-6s %-12s %6s %-26s %-11s %-14s %s%n", "commit", "sweep", "x",
                "adaptive p99 / tx/1k", "busy/write%", "static meeting",
                "cheapest static meeting (tx/1k, busy/write% of the thread's peak minute)"));
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            ArmResult adaptive = null;
            ArmResult cheapest = null;
            int passing = 0;
            int statics = 0;
            for (ArmResult r : at(results, i)) {
                if (r.kind().equals("adaptive")) {
                    adaptive = r;
                } else {
                    statics++;
                    if (r.meetsSlo()) {
                        passing++;
                        if (cheapest == null || r.transactionsPer1k() < cheapest.transactionsPer1k()) {
                            cheapest = r;
                        }
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "%-6s %-12s %6.0f %5d ms %-3s / %-9.3f %3d/%-7d %2d/%-11d %s%n",
                    p.commitLabel(), p.sweep(), p.x(),
                    adaptive.p99Millis(), adaptive.meetsSlo() ? "ok" : "NO", adaptive.transactionsPer1k(),
                    adaptive.peakBusyPercent(), adaptive.peakWritePercent(), passing, statics,
                    cheapest == null ? "-" : String.format(Locale.ROOT, "%s (%.3f, %d/%d)", cheapest.arm(),
                            cheapest.transactionsPer1k(), cheapest.peakBusyPercent(), cheapest.peakWritePercent())));
        }
        return sb.toString();
    }

    /** One CSV row per point (and commit mode) and arm. */
    public static void writeCsv(Path path, List<Point> points, List<ArmResult> results) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            w.write("sweep,x,scenario,arm,kind,events,p50_ms,p99_ms,max_ms,minutes_met,minutes_total,slo_met,"
                    + "tx_per_1k,db_ms_per_1k,commit,peak_busy_pct,peak_write_pct\n");
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                for (ArmResult r : at(results, i)) {
                    w.write(String.format(Locale.ROOT, "%s,%.0f,%s,\"%s\",%s,%d,%d,%d,%d,%d,%d,%s,%.4f,%.3f,%s,%d,%d%n",
                            p.sweep(), p.x(), r.scenario(), r.arm(), r.kind(), r.events(), r.p50Millis(),
                            r.p99Millis(), r.maxMillis(), r.minutesMet(), r.minutesTotal(), r.meetsSlo(),
                            r.transactionsPer1k(), r.dbMillisPer1k(), p.commitLabel(), r.peakBusyPercent(),
                            r.peakWritePercent()));
                }
            }
        }
    }
}
