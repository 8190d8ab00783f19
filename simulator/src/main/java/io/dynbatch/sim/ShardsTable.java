package io.dynbatch.sim;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Many shards on one subtask, written per shard or with group commit: S1's traffic (one subtask,
 * 1.2k-12k events/s over a 24-minute day, upstream lag 50 ms-1 s) spread evenly over 2 to 128
 * shards, the adaptive arm and the main static arm, each with one transaction per shard batch
 * ({@code shard}) and with group commit ({@code group}, {@link #DEFAULT_GROUP}: the job's default,
 * timers on a 50 ms grid and every pending batch in the round, {@link Sweeps#ROUNDS}). The subtask's distinct rows stay those of S1 (2 x 20,000), split among its shards: more
 * shards spread the same keys, they do not add any.
 */
public final class ShardsTable {

    /** Shard counts of the table. */
    public static final int[] SHARD_COUNTS = {2, 16, 64, 128};

    /** The main static arm: the cheapest static setting that meets the SLO in S1-S4 ({@link MustShowTest} checks). */
    public static final StaticArm MAIN_STATIC = new StaticArm(5_000, 1_500);

    /** Group commit as the table runs it: the job's default ({@link #sweep} compares others). */
    public static final CommitModel DEFAULT_GROUP = Sweeps.ROUNDS;

    /** The timer grid of group mode (ms). */
    public static final long DEFAULT_GRID_MILLIS = DEFAULT_GROUP.gridMillis();

    /** Group mode's join window (ms): the SLO, so a round takes every pending batch (commit rounds). */
    public static final long DEFAULT_JOIN_MILLIS = DEFAULT_GROUP.joinMillis();

    /** The grids {@link #sweep} tries (0: timers not aligned). */
    public static final long[] SWEEP_GRIDS_MILLIS = {0, 50, 100, 200, 400};

    /** The shard counts {@link #sweep} runs (the ends of the table). */
    public static final int[] SWEEP_SHARD_COUNTS = {2, 128};

    /** The join windows {@link #sweep} tries. */
    public static final long[] SWEEP_JOINS_MILLIS = {0, 250, 500, 1_000, 2_000};

    /** One cell of the table. */
    public record Row(int shards, String arm, CommitModel commit, ArmResult result) {

        /** Shard batches per transaction. */
        public double batchesPerTransaction() {
            long batches = result.flushes().values().stream().mapToLong(Long::longValue).sum();
            return result.transactions() == 0 ? 0 : (double) batches / result.transactions();
        }
    }

    private ShardsTable() {}

    /** S1 over {@code shards} equal shards, the subtask's distinct rows split among them. */
    public static Scenario diurnal(int shards) {
        Scenario base = Scenarios.diurnal();
        double[] weights = new double[shards];
        java.util.Arrays.fill(weights, 1.0 / shards);
        double subtaskRows = base.sink().distinctRowsPerShard() * base.shards();
        return new Scenario(base.name() + "x" + shards,
                String.format(Locale.ROOT, "S1 traffic over %d equal shards", shards), base.durationMillis(),
                base.backlogMillis(), weights, base.eventsPerSecond(), base.upstreamLagMillis(),
                base.sink().withDistinctRowsPerShard(subtaskRows / shards), base.perEventMillis(), base.sloMillis(),
                base.seed());
    }

    /** The table: for each shard count, adaptive and the main static arm, shard and {@code group} commit. */
    public static List<Row> run(int[] shardCounts, CommitModel group, int threads) {
        List<Arm> arms = List.of(Experiment.defaultAdaptive(), MAIN_STATIC);
        return runAll(shardCounts, arms, List.of(CommitModel.SHARD, group), threads);
    }

    /** Adaptive with group commit for every grid and join window of the sweep, at {@code shardCounts}. */
    public static List<Row> sweep(int[] shardCounts, int threads) {
        List<CommitModel> commits = new ArrayList<>();
        for (long g : SWEEP_GRIDS_MILLIS) {
            for (long j : SWEEP_JOINS_MILLIS) {
                commits.add(CommitModel.group(g, j));
            }
        }
        return runAll(shardCounts, List.of(Experiment.defaultAdaptive()), commits, threads);
    }

    private static List<Row> runAll(int[] shardCounts, List<Arm> arms, List<CommitModel> commits, int threads) {
        List<Row> rows = new ArrayList<>();
        for (int n : shardCounts) { // one shard count at a time: its trace is large at 128 shards
            Scenario scenario = diurnal(n);
            ArrivalTrace trace = ArrivalTrace.generate(scenario);
            List<Callable<Row>> runs = new ArrayList<>();
            for (Arm arm : arms) {
                for (CommitModel commit : commits) {
                    SubtaskSimulator sim = new SubtaskSimulator(scenario, trace, commit);
                    runs.add(() -> new Row(n, arm.kind(), commit, sim.run(arm)));
                }
            }
            rows.addAll(Experiment.inParallel(runs, threads, "sim-shards"));
        }
        return rows;
    }

    /** The row of {@code shards}, {@code arm} (adaptive or static) and {@code commit} (shard or group). */
    public static Row find(List<Row> rows, int shards, String arm, String commit) {
        return rows.stream()
                .filter(r -> r.shards() == shards && r.arm().equals(arm) && r.commit().mode().label().equals(commit))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row " + shards + "/" + arm + "/" + commit));
    }

    static final String CSV_HEADER =
            "shards,arm,commit,grid_ms,join_ms,events,transactions,tx_per_1k,batches_per_tx,db_ms_per_1k,p50_ms,p99_ms,max_ms,slo_minutes_met,minutes,slo_met";

    /** Writes {@code rows} as CSV (the header above), creating the directory if needed. */
    public static void writeCsv(Path path, List<Row> rows) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            w.write(CSV_HEADER + "\n");
            for (Row row : rows) {
                ArmResult r = row.result();
                w.write(String.format(Locale.ROOT, "%d,%s,%s,%d,%d,%d,%d,%.4f,%.2f,%.3f,%d,%d,%d,%d,%d,%s%n",
                        row.shards(), row.arm(), row.commit().mode().label(), row.commit().gridMillis(),
                        row.commit().joinMillis(), r.events(),
                        r.transactions(), r.transactionsPer1k(), row.batchesPerTransaction(), r.dbMillisPer1k(),
                        r.p50Millis(), r.p99Millis(), r.maxMillis(), r.minutesMet(), r.minutesTotal(), r.meetsSlo()));
            }
        }
    }

    /** The table as text. */
    public static String format(String title, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%s%n", title));
        sb.append(String.format(Locale.ROOT, "%6s %-9s %-7s %7s %7s %8s %8s %8s %9s %7s %7s %7s %5s%n", "shards",
                "arm", "commit", "grid_ms", "join_ms", "tx", "tx/1k", "batch/tx", "dbms/1k", "p50ms", "p99ms", "sloMin", "meets"));
        for (Row row : rows) {
            ArmResult r = row.result();
            sb.append(String.format(Locale.ROOT, "%6d %-9s %-7s %7d %7d %8d %8.3f %8.2f %9.2f %7d %7d %7s %5s%n",
                    row.shards(), row.arm(), row.commit().mode().label(), row.commit().gridMillis(),
                    row.commit().joinMillis(), r.transactions(),
                    r.transactionsPer1k(), row.batchesPerTransaction(), r.dbMillisPer1k(), r.p50Millis(),
                    r.p99Millis(), r.minutesMet() + "/" + r.minutesTotal(), r.meetsSlo() ? "yes" : "NO"));
        }
        return sb.toString();
    }

    /**
     * Prints the table and writes it to {@code args[0]} (default results/sim/shards.csv); with a
     * second argument {@code --sweep}, also prints the sweep of the grid and the join window.
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "results/sim/shards.csv").toAbsolutePath().normalize();
        int threads = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        List<Row> rows = run(SHARD_COUNTS, DEFAULT_GROUP, threads);
        System.out.print(format("Shards per subtask (S1 traffic, one subtask; group commit: " + DEFAULT_GROUP + ")",
                rows));
        writeCsv(out, rows);
        if (args.length > 1 && args[1].equals("--sweep")) {
            System.out.print(format("Sweep of the grid and the join window (adaptive, group commit)",
                    sweep(SWEEP_SHARD_COUNTS, threads)));
        }
        System.out.printf("%nwrote %s (%d rows) in %.1f s%n", out, rows.size(), (System.nanoTime() - start) / 1e9);
    }
}
