package io.dynbatch.job;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.report.ArmStats;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.report.RunSummary;
import io.dynbatch.job.sink.DatabaseSchema;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ParameterTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The A/B benchmark (not part of the test suite): runs the real job on a local Flink cluster
 * against a real PostgreSQL through four scenarios, all four arms in shadow mode on the same
 * traffic, and writes the figures the notebooks read to {@code results/ab/}:
 *
 * <ul>
 *   <li>S1_diurnal: a compressed day, 10x peak over trough, bursts;
 *   <li>S2_slow_sink: as S1, but for the middle third every write statement sleeps in PostgreSQL
 *       (a statement trigger calling pg_sleep), as lock contention would;
 *   <li>S3_backlog: the job starts with a backlog (the first events are already a minute old);
 *   <li>S4_key_skew: half of all events go to one row, so one shard carries half the load.
 * </ul>
 *
 * Besides the client-side figures from the receipts it records PostgreSQL's own: tuples written per
 * arm table (pg_stat_user_tables), and commits and WAL bytes for the whole run (pg_stat_database,
 * pg_current_wal_lsn; the arms share the database, so these are not per arm).
 */
public final class AbBenchmark {

    private static final String DEFAULT_ARMS = "tumbling_1min,builtin,static,adaptive";
    private static final long SLO_MILLIS = 2_000;

    private final Path out;
    private final String url;
    private final String arms;
    private final String batchSize;
    private final String batchDelay;
    private final List<String> summaryRows = new ArrayList<>();
    private final List<String> intervalRows = new ArrayList<>();
    private final List<String> batchRows = new ArrayList<>();
    private final List<String> cdfRows = new ArrayList<>();
    private final List<String> trafficRows = new ArrayList<>();
    private final StringBuilder printed = new StringBuilder();

    private AbBenchmark(Path out, String url, String arms, String batchSize, String batchDelay) {
        this.out = out;
        this.url = url;
        this.arms = arms;
        this.batchSize = batchSize;
        this.batchDelay = batchDelay;
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        Path out = Path.of(p.get("out", "../results/ab"));
        double scale = p.getDouble("scale", 1.0);
        List<String> scenarios = List.of(p.get("scenarios", "S1_diurnal,S2_slow_sink,S3_backlog,S4_key_skew").split(","));
        String url = p.get("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test");
        Files.createDirectories(out);
        // the static and built-in arms' setting; e.g. --batch-delay 1500ms for one closer to the SLO
        AbBenchmark bench = new AbBenchmark(out, url, p.get("arms", DEFAULT_ARMS), p.get("batch-size", "5000"),
                p.get("batch-delay", "1s"));
        try (LocalCluster cluster = LocalCluster.start(2, "8081-8099")) {
            System.out.println("Flink web UI: http://localhost:" + cluster.restAddress().getPort());
            for (String scenario : scenarios) {
                bench.run(cluster, scenario.trim(), scale);
            }
        }
        bench.writeFiles();
        System.out.println();
        System.out.println(bench.printed);
        System.out.println("Results written to " + out.toAbsolutePath());
    }

    private void run(LocalCluster cluster, String scenario, double scale) throws Exception {
        long seconds = Math.round(120 * Math.min(1.0, Math.max(0.25, scale)));
        long events = Math.round(360_000 * scale);
        List<String> args = new ArrayList<>(List.of("--jdbc-url", url, "--table", "bench_" + scenario.toLowerCase(Locale.ROOT),
                "--dead-letter-table", "bench_dead_letters", "--report-table", "bench_ab_report", "--arms", arms,
                "--ab-mode", "shadow", "--parallelism", "2", "--shards", "4", "--events", String.valueOf(events),
                "--duration", seconds + "s", "--bursts", "4", "--slo", "2s", "--batch-size", batchSize,
                "--batch-delay", batchDelay, "--checkpoint-interval", "10s", "--start-delay", "3s"));
        long startOffset = 3_000;
        if (scenario.startsWith("S3")) {
            startOffset = -60_000; // the first minute of traffic is already due: a backlog
        }
        if (scenario.startsWith("S4")) {
            args.addAll(List.of("--hot-share", "0.5"));
        }
        JobOptions options = JobOptions.fromArgs(args.toArray(new String[0]));
        DatabaseSettings database = new DatabaseSettings(url, "postgres", "DYNBATCH_JDBC_PASSWORD",
                options.table());
        resetTables(options, database);
        DynbatchJob.ensureSchema(options, database);
        installSlowdownTrigger(options, database);

        ClickstreamGenerator generator = DynbatchJob.generator(options, System.currentTimeMillis() + startOffset);
        recordTraffic(scenario, generator);
        StreamExecutionEnvironment env = cluster.environment();
        DynbatchJob.configure(env, options);
        java.util.concurrent.atomic.AtomicReference<DataStream<BatchReceipt>> receipts =
                new java.util.concurrent.atomic.AtomicReference<>();
        ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database,
                new DynbatchJob.DatabaseSinks(options, database, receipts::set));

        long[] pgBefore = databaseStats(database);
        ScheduledExecutorService slowdown = Executors.newSingleThreadScheduledExecutor();
        if (scenario.startsWith("S2")) {
            long third = seconds * 1000 / 3;
            slowdown.schedule(() -> setSlowdown(database, 150), startOffset + third, TimeUnit.MILLISECONDS);
            slowdown.schedule(() -> setSlowdown(database, 0), startOffset + 2 * third, TimeUnit.MILLISECONDS);
        }
        RunSummary summary = new RunSummary(10_000, SLO_MILLIS, CostModel.defaults());
        long started = System.currentTimeMillis();
        System.out.printf("%s: %,d events over %d s, arms %s ...%n", scenario, events, seconds, arms);
        long lastPrint = started;
        try (CloseableIterator<BatchReceipt> it = receipts.get().executeAndCollect("dynbatch-ab-" + scenario)) {
            while (it.hasNext()) {
                BatchReceipt r = it.next();
                summary.add(r);
                batchRows.add(String.join(",", scenario, r.arm, String.valueOf(r.shard), r.batchId,
                        String.valueOf(r.commitTime), String.valueOf(r.events), String.valueOf(r.rows),
                        String.valueOf(r.statements), String.valueOf(r.writeMillis), String.valueOf(r.oldestIngest),
                        r.targetSize >= 0 ? String.valueOf(r.targetSize) : ""));
                if (System.currentTimeMillis() - lastPrint > 10_000) {
                    lastPrint = System.currentTimeMillis();
                    System.out.printf("  [%3ds] %s%n", (lastPrint - started) / 1000, progress(summary));
                }
            }
        } finally {
            slowdown.shutdownNow();
            setSlowdown(database, 0);
        }
        long[] pgAfter = databaseStats(database);
        report(scenario, options, database, summary, pgAfter[0] - pgBefore[0], pgAfter[1] - pgBefore[1]);
    }

    private static String progress(RunSummary summary) {
        StringBuilder sb = new StringBuilder();
        summary.arms().forEach((arm, s) -> sb.append(String.format("%s %,d ev p99 %,d ms | ", arm, s.events,
                s.latencyPercentileMillis(99))));
        return sb.toString();
    }

    private void report(String scenario, JobOptions options, DatabaseSettings database, RunSummary summary,
            long xactCommits, long walBytes) throws SQLException {
        CostModel cost = CostModel.defaults();
        Map<String, Long> tuples = tuplesWritten(options, database);
        printed.append(String.format("%s (SLO p99 <= %d ms per 10-s interval; PostgreSQL: %,d commits, %,d WAL bytes "
                + "for all arms)%n", scenario, SLO_MILLIS, xactCommits, walBytes));
        printed.append(String.format("%-13s %9s %9s %12s %9s %9s %9s %9s %10s%n", "arm", "p50 ms", "p99 ms",
                "SLO ivls", "tx/1k", "DBms/1k", "cost/1k", "tuples", "recovered"));
        for (Map.Entry<String, ArmStats> e : summary.arms().entrySet()) {
            String arm = e.getKey();
            ArmStats s = e.getValue();
            long[] slo = summary.sloIntervals(arm);
            double txPer1k = s.events == 0 ? 0 : s.transactions * 1000.0 / s.events;
            String recovered = recoveredAt(summary.intervals().get(arm));
            printed.append(String.format(Locale.ROOT, "%-13s %9d %9d %12s %9.3f %9.2f %9.2f %9d %10s%n", arm,
                    s.latencyPercentileMillis(50), s.latencyPercentileMillis(99), slo[0] + "/" + slo[1], txPer1k,
                    s.dbMillisPer1kEvents(), s.costPer1kEvents(cost), tuples.getOrDefault(arm, 0L), recovered));
            summaryRows.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d",
                    scenario, arm, s.events, s.batches, s.transactions, s.rows, s.dbMillis, s.dbMillisPer1kEvents(),
                    s.costPer1kEvents(cost), s.latencyPercentileMillis(50), s.latencyPercentileMillis(95),
                    s.latencyPercentileMillis(99), s.maxLatencyMillis(), SLO_MILLIS, slo[1], slo[0], xactCommits,
                    tuples.getOrDefault(arm, 0L), walBytes));
            for (double pct : percentiles()) {
                cdfRows.add(String.format(Locale.ROOT, "%s,%s,%s,%d", scenario, arm, pct,
                        s.latencyPercentileMillis(pct)));
            }
            for (Map.Entry<Long, ArmStats> i : summary.intervals().get(arm).entrySet()) {
                ArmStats is = i.getValue();
                intervalRows.add(String.format(Locale.ROOT, "%s,%s,%d,10,%d,%d,%d,%d,%d,%.3f,%d,%d,%d,%d,%s,%.1f",
                        scenario, arm, i.getKey(), is.events, is.batches, is.transactions, is.rows, is.dbMillis,
                        is.dbMillisPer1kEvents(), is.latencyPercentileMillis(50), is.latencyPercentileMillis(95),
                        is.latencyPercentileMillis(99), is.maxLatencyMillis(), is.meetsSlo(SLO_MILLIS),
                        is.latency.getTotalCount() == 0 ? 0.0 : is.latency.getMean()));
            }
        }
        printed.append('\n');
        System.out.print(printed);
    }

    /** Seconds from the first interval until the SLO held in every later interval ("-" if never). */
    private static String recoveredAt(TreeMap<Long, ArmStats> intervals) {
        Long since = null;
        for (Map.Entry<Long, ArmStats> e : intervals.descendingMap().entrySet()) {
            if (!e.getValue().meetsSlo(SLO_MILLIS)) {
                break;
            }
            since = e.getKey();
        }
        if (since == null) {
            return "never";
        }
        return ((since - intervals.firstKey()) / 1000) + " s";
    }

    private static double[] percentiles() {
        double[] p = new double[104];
        for (int i = 0; i <= 100; i++) {
            p[i] = i;
        }
        p[101] = 99.5;
        p[102] = 99.9;
        p[103] = 99.99;
        java.util.Arrays.sort(p);
        return p;
    }

    private void recordTraffic(String scenario, ClickstreamGenerator generator) {
        TreeMap<Long, Long> perSecond = new TreeMap<>();
        for (long i = 0; i < generator.totalEvents(); i++) {
            perSecond.merge((generator.dueAt(i) - generator.startMillis()) / 1000, 1L, Long::sum);
        }
        perSecond.forEach((second, n) -> trafficRows.add(scenario + "," + second + "," + n));
    }

    private static void resetTables(JobOptions options, DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            for (ArmKind arm : options.activeArms()) {
                s.execute("DROP TABLE IF EXISTS " + options.totalsTableFor(database.totalsTable(), arm));
            }
        }
    }

    /** A statement trigger on every arm table that sleeps as long as bench_slowdown says (0: not at all). */
    private static void installSlowdownTrigger(JobOptions options, DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_slowdown (ms integer NOT NULL)");
            s.execute("DELETE FROM bench_slowdown");
            s.execute("INSERT INTO bench_slowdown VALUES (0)");
            s.execute("CREATE OR REPLACE FUNCTION bench_slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    + "DECLARE d integer; BEGIN SELECT ms INTO d FROM bench_slowdown; "
                    + "IF d > 0 THEN PERFORM pg_sleep(d / 1000.0); END IF; RETURN NULL; END $$");
            for (ArmKind arm : options.activeArms()) {
                String table = options.totalsTableFor(database.totalsTable(), arm);
                s.execute("CREATE TRIGGER bench_slow BEFORE INSERT ON " + table
                        + " FOR EACH STATEMENT EXECUTE FUNCTION bench_slow_write()");
            }
        }
    }

    private static void setSlowdown(DatabaseSettings database, int millis) {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE bench_slowdown SET ms = " + millis);
            System.out.printf("  database writes now sleep %d ms per statement%n", millis);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the slowdown", e);
        }
    }

    /** {xact_commit of this database, WAL position in bytes}. */
    private static long[] databaseStats(DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            try {
                s.execute("SELECT pg_stat_force_next_flush()"); // PostgreSQL 15+; older servers flush on their own
            } catch (SQLException olderServer) {
                // autocommit: the failed call leaves the connection usable
            }
            ResultSet rs = s.executeQuery("SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = "
                    + "current_database()), pg_current_wal_lsn() - '0/0'::pg_lsn");
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Rows inserted plus rows updated, per arm table (pg_stat_user_tables). */
    private static Map<String, Long> tuplesWritten(JobOptions options, DatabaseSettings database) throws SQLException {
        Map<String, Long> tuples = new TreeMap<>();
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            for (ArmKind arm : options.activeArms()) {
                String table = options.totalsTableFor(database.totalsTable(), arm);
                ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables "
                        + "WHERE relname = '" + table + "'");
                rs.next();
                tuples.put(arm.label(), rs.getLong(1));
            }
        }
        return tuples;
    }

    private void writeFiles() throws IOException {
        write("ab_summary.csv", "scenario,arm,events,batches,transactions,rows,db_ms,db_ms_per_1k,cost_per_1k,p50_ms,"
                + "p95_ms,p99_ms,max_ms,slo_ms,intervals,intervals_slo_met,pg_xact_commit,pg_tuples_written,pg_wal_bytes",
                summaryRows);
        write("ab_intervals.csv", "scenario,arm,interval_start_ms,interval_s,events,batches,transactions,rows,db_ms,"
                + "db_ms_per_1k,p50_ms,p95_ms,p99_ms,max_ms,slo_met,mean_ms", intervalRows);
        write("ab_batches.csv", "scenario,arm,shard,batch_id,commit_time_ms,events,rows,statements,write_ms,"
                + "oldest_ingest_ms,target_size", batchRows);
        write("ab_latency_cdf.csv", "scenario,arm,percentile,latency_ms", cdfRows);
        write("ab_traffic.csv", "scenario,second,events", trafficRows);
        Files.writeString(out.resolve("ab_table.txt"), printed.toString());
        String serverVersion;
        try (Connection c = DatabaseSchema.connect(new DatabaseSettings(url, "postgres", "DYNBATCH_JDBC_PASSWORD", "t"));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            serverVersion = "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            serverVersion = "unknown";
        }
        Files.writeString(out.resolve("environment.json"), String.format(Locale.ROOT,
                "{\"machine\": \"%s\", \"cores\": %d, \"java\": \"%s\", \"flink\": \"2.2.1\", \"postgresql\": \"%s\", "
                        + "\"date\": \"%s\", \"synthetic\": false}%n",
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), serverVersion,
                java.time.Instant.now()));
    }

    private void write(String file, String header, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(rows);
        Files.write(out.resolve(file), lines);
    }
}
