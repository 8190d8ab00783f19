package io.dynbatch.bench.ab;

import io.dynbatch.job.Arm;
import io.dynbatch.job.ClickstreamPipeline;
import io.dynbatch.job.DynbatchJob;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.LocalCluster;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.report.RunSummary;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;
import io.dynbatch.sim.ScenarioKind;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The A/B benchmark (not part of the test suite): runs the real job on a local Flink cluster
 * against a real PostgreSQL through the scenarios of {@link ScenarioKind} (the ones the simulator
 * runs), the arms in shadow mode on the same traffic (by default today's two baselines, four static
 * grid settings and adaptive), each arm reading its own copy of it (the
 * job's default {@code --ab-isolation isolated}, so a stalled arm stalls only itself; {@code --job-args
 * ab-isolation=shared} shares one input chain), and writes the figures the notebooks read to {@code
 * results/ab/} ({@link AbResults}):
 *
 * <ul>
 *   <li>S1_diurnal: the generator's compressed day, 10x peak over trough, bursts;
 *   <li>S2_slow_sink: as S1, but for the middle third every write statement sleeps in PostgreSQL
 *       (a statement trigger calling pg_sleep), as lock contention would;
 *   <li>S3_backlog: the job starts with a backlog (the first half of the traffic is already due);
 *   <li>S4_key_skew: half of all events go to one row, so one shard carries half the load.
 *   <li>S5_lag_swings: as S1, but the generator releases each event up to 1.5 s after its ingest
 *       time, the upstream lag swinging 0 -> 1.5 s -> 0 every 90 s ({@code --lag-swing}).
 * </ul>
 *
 * Besides the client-side figures from the receipts it records PostgreSQL's own ({@link
 * AbDatabase}): tuples written per arm table (pg_stat_user_tables), and commits and WAL bytes for
 * the whole run (pg_stat_database, pg_current_wal_lsn; the arms share the database, so these are
 * not per arm).
 *
 * <pre>
 * --out DIR              results directory (default ../results/ab: the repository's, from bench/)
 * --scale X              events and duration relative to 360,000 events over 120 s (default 1.0)
 * --scenarios S1_diurnal,S2_slow_sink,S3_backlog,S4_key_skew,S5_lag_swings
 * --arms LIST           the job's --arms (default tumbling_1min,builtin,static_5000_250ms,static_5000_1s,
 *                        static_5000_1500ms,static_20000_1800ms,adaptive): static grid arms
 *                        static_&lt;size&gt;_&lt;delay&gt; run several
 *                        static settings in one run; ab_static_choice.csv names the cheapest that met the SLO
 * --batch-size N         the built-in arm's size limit, and plain static's if listed (default 5000)
 * --batch-delay D        their delay (default 1s)
 * --commit MODE          group (default: a subtask's batches that fire together in one transaction) or shard
 * --commit-grid D        group commit: the grid the shards' deadlines are aligned to (default: the job's)
 * --shards N             write shards (default 4, not the job's one per key group: Flink's built-in
 *                        trigger cannot join commit rounds, so at many shards per subtask the A/B
 *                        would compare commit strategies, not triggers)
 * --job-args K=V,...     further job options without their dashes, e.g. commit-join=1s,pre-compact-delay=0
 * --state-backend B      rocksdb (default: the deploy backend) or hashmap
 * --rocksdb-dir DIR      RocksDB's local directory (default /dev/shm/dynbatch-ab-rocksdb where /dev/shm
 *                        is tmpfs, else Flink's default under io.tmp.dirs; "default": Flink's default).
 *                        A checkpoint makes RocksDB write its state locally while the task waits; on
 *                        this one machine the local disk is also PostgreSQL's, which a deployment's
 *                        TaskManagers do not share, so the benchmark keeps RocksDB off it
 * --flink-conf K=V,...   Flink configuration for the runs' jobs, e.g.
 *                        execution.checkpointing.incremental=true
 * --warm-up-seconds N    S1's traffic for N s before the scenarios, not recorded (default 30; 0: none)
 * --jdbc-url URL         PostgreSQL (default jdbc:postgresql://127.0.0.1:5432/test, user postgres)
 * </pre>
 */
public final class AbBenchmark {

    static final long SLO_MILLIS = ScenarioKind.SLO_MILLIS;
    static final long INTERVAL_MILLIS = ScenarioKind.INTERVAL_MILLIS;
    /**
     * Today's baselines, the static grid and adaptive. 5,000 / 1 s is plain static's default
     * setting; 250 ms is the delay short enough for S5's swinging lag (the simulator's grid: only its
     * 250 ms delays meet the SLO there), so that some static setting can meet it in all five.
     */
    static final String DEFAULT_ARMS = "tumbling_1min,builtin,static_5000_250ms,static_5000_1s,static_5000_1500ms,"
            + "static_20000_1800ms,adaptive";

    private final String url;
    private final String arms;
    private final String batchSize;
    private final String batchDelay;
    private String commit = "group";
    private String commitGrid;
    private String shards = "4";
    private List<String> jobArgs = List.of();
    private Configuration flinkConf = new Configuration();
    private String stateBackend = "rocksdb";
    /** RocksDB's local directory, or null for Flink's default (and with the heap backend). */
    private Path rocksDbDir;
    /** Whether the runs' arms read their own copies of the input (the job's {@code --ab-isolation}). */
    private boolean armsIsolated;
    /** The runs' static grid arms, by label. */
    private List<String> staticGrid = List.of();
    private final AbResults results = new AbResults();

    private AbBenchmark(String url, String arms, String batchSize, String batchDelay) {
        this.url = url;
        this.arms = arms;
        this.batchSize = batchSize;
        this.batchDelay = batchDelay;
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        Path out = Path.of(p.get("out", "../results/ab"));
        double scale = p.getDouble("scale", 1.0);
        List<ScenarioKind> scenarios = p.has("scenarios")
                ? Arrays.stream(p.get("scenarios").split(",")).map(ScenarioKind::byName).toList()
                : List.of(ScenarioKind.values());
        String url = p.get("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test");
        Files.createDirectories(out);
        AbBenchmark bench = new AbBenchmark(url, p.get("arms", DEFAULT_ARMS), p.get("batch-size", "5000"),
                p.get("batch-delay", "1s"));
        bench.commit = p.get("commit", "group");
        bench.commitGrid = p.get("commit-grid", null);
        bench.shards = p.get("shards", "4");
        bench.jobArgs = jobArgs(p.get("job-args", ""));
        bench.stateBackend = p.get("state-backend", "rocksdb");
        if (!List.of("rocksdb", "hashmap").contains(bench.stateBackend)) {
            throw new IllegalArgumentException("--state-backend takes rocksdb or hashmap, got " + bench.stateBackend);
        }
        bench.rocksDbDir = bench.stateBackend.equals("rocksdb") ? rocksDbDir(p.get("rocksdb-dir", null)) : null;
        bench.flinkConf = Configuration.fromMap(keyValues(p.get("flink-conf", ""), "--flink-conf"));
        long warmUpSeconds = p.getLong("warm-up-seconds", 30);
        try (LocalCluster cluster = LocalCluster.start(2, "8081-8099")) {
            System.out.println("Flink web UI: http://localhost:" + cluster.restAddress().getPort());
            if (warmUpSeconds > 0) {
                bench.warmUp(cluster, warmUpSeconds);
            }
            for (ScenarioKind scenario : scenarios) {
                bench.run(cluster, scenario, scale);
            }
        }
        Path rocksDbDir = bench.rocksDbDir;
        bench.results.write(out, new AbEnvironment(AbDatabase.serverVersion(url), bench.stateBackend,
                rocksDbDir == null ? null : rocksDbDir.toString(),
                rocksDbDir == null ? null : AbEnvironment.fileStoreOf(rocksDbDir),
                bench.armsIsolated, bench.shards, bench.commit, bench.staticGrid));
        System.out.println();
        System.out.println(bench.results.printed());
        System.out.println("Results written to " + out.toAbsolutePath());
    }

    /**
     * RocksDB's local directory: {@code option} if given ("default": Flink's own, null), else
     * {@code /dev/shm/dynbatch-ab-rocksdb} where /dev/shm is tmpfs, else null. Created if missing.
     */
    static Path rocksDbDir(String option) throws java.io.IOException {
        Path dir;
        if (option == null) {
            Path shm = Path.of("/dev/shm");
            if (!Files.isDirectory(shm) || !Files.isWritable(shm) || !AbEnvironment.fileStoreOf(shm).equals("tmpfs")) {
                return null;
            }
            dir = shm.resolve("dynbatch-ab-rocksdb");
        } else if (option.equals("default")) {
            return null;
        } else {
            dir = Path.of(option).toAbsolutePath();
        }
        Files.createDirectories(dir);
        return dir;
    }

    /** {@code k=v,k2=v2} as job arguments {@code --k v --k2 v2}. */
    public static List<String> jobArgs(String pairs) {
        List<String> args = new ArrayList<>();
        keyValues(pairs, "--job-args").forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /** {@code k=v,k2=v2} as an ordered map; {@code option} names the option in errors. */
    static Map<String, String> keyValues(String pairs, String option) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option + " takes name=value pairs, got " + pair);
            }
            map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return map;
    }

    /**
     * Runs S1's traffic for {@code seconds} (at S1's rate) on the fresh cluster and discards what it
     * measured: the first job on a cluster compiles the job's code and warms RocksDB and PostgreSQL,
     * which otherwise lands in the first scenario's first intervals (every arm missing the SLO there).
     */
    private void warmUp(LocalCluster cluster, long seconds) throws Exception {
        System.out.printf("warm-up: S1's traffic for %d s, not recorded%n", seconds);
        run(cluster, ScenarioKind.S1_DIURNAL, seconds, Math.round(360_000 * seconds / 120.0), new AbResults());
    }

    private void run(LocalCluster cluster, ScenarioKind kind, double scale) throws Exception {
        run(cluster, kind, Math.round(120 * Math.min(1.0, Math.max(0.25, scale))), Math.round(360_000 * scale),
                results);
    }

    /** Runs {@code kind} for {@code seconds} with {@code events} events and records what it measured in {@code into}. */
    private void run(LocalCluster cluster, ScenarioKind kind, long seconds, long events, AbResults into)
            throws Exception {
        String scenario = kind.abName();
        List<String> args = new ArrayList<>(List.of("--jdbc-url", url, "--table", "bench_" + scenario.toLowerCase(Locale.ROOT),
                "--dead-letter-table", "bench_dead_letters", "--report-table", "bench_ab_report", "--arms", arms,
                "--ab-mode", "shadow", "--parallelism", "2", "--shards", shards, "--events", String.valueOf(events),
                "--duration", seconds + "s", "--bursts", "4", "--slo", "2s", "--batch-size", batchSize,
                "--batch-delay", batchDelay, "--checkpoint-interval", "10s", "--start-delay", "3s", "--commit", commit,
                "--batch-log-table", "bench_batch_log_" + scenario.toLowerCase(Locale.ROOT)));
        long startOffset = 3_000;
        if (kind == ScenarioKind.S3_BACKLOG) {
            startOffset = -seconds * 1000 / 2; // the first half of the traffic is already due: a backlog
        }
        if (kind == ScenarioKind.S5_LAG_SWINGS) {
            args.addAll(List.of("--lag-swing", ScenarioKind.LAG_SWING_MAX_MILLIS + "ms",
                    "--lag-period", ScenarioKind.LAG_SWING_PERIOD_MILLIS + "ms"));
        }
        if (kind.hotShare() > 0) {
            args.addAll(List.of("--hot-share", String.valueOf(kind.hotShare())));
        }
        if (commitGrid != null) {
            args.addAll(List.of("--commit-grid", commitGrid));
        }
        args.addAll(jobArgs);
        JobOptions options = JobOptions.fromArgs(args.toArray(new String[0]));
        armsIsolated = options.isolatesArms();
        staticGrid = options.activeArms().stream().filter(Arm::isGrid).map(Arm::label).toList();
        DatabaseSettings database = AbDatabase.settings(url, options.table());
        AbDatabase.resetTables(options, database);
        DynbatchJob.ensureSchema(options, database);
        AbDatabase.installSlowdownTrigger(options, database);

        ClickstreamGenerator generator = DynbatchJob.generator(options, System.currentTimeMillis() + startOffset);
        into.traffic(scenario, generator);
        StreamExecutionEnvironment env = cluster.environment();
        Configuration backend = new Configuration(flinkConf);
        backend.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        if (rocksDbDir != null) {
            backend.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDbDir.toString());
        }
        env.configure(backend); // the job's own state backend, whatever the local cluster's default
        DynbatchJob.configure(env, options);
        AtomicReference<DataStream<BatchReceipt>> receipts = new AtomicReference<>();
        ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database,
                new DynbatchJob.DatabaseSinks(options, database, receipts::set));

        long[] pgBefore = AbDatabase.databaseStats(database);
        ScheduledExecutorService slowdown = Executors.newSingleThreadScheduledExecutor();
        if (kind.slowUntil() > 0) {
            long millis = seconds * 1000;
            slowdown.schedule(() -> AbDatabase.setSlowdown(database, 150),
                    startOffset + Math.round(millis * kind.slowFrom()), TimeUnit.MILLISECONDS);
            slowdown.schedule(() -> AbDatabase.setSlowdown(database, 0),
                    startOffset + Math.round(millis * kind.slowUntil()), TimeUnit.MILLISECONDS);
        }
        RunSummary summary = new RunSummary(INTERVAL_MILLIS, SLO_MILLIS, CostModel.defaults());
        long started = System.currentTimeMillis();
        System.out.printf("%s: %,d events over %d s, arms %s ...%n", scenario, events, seconds, arms);
        long lastPrint = started;
        try (CloseableIterator<BatchReceipt> it = receipts.get().executeAndCollect("dynbatch-ab-" + scenario)) {
            while (it.hasNext()) {
                BatchReceipt r = it.next();
                summary.add(r);
                into.batch(scenario, r);
                if (System.currentTimeMillis() - lastPrint > 10_000) {
                    lastPrint = System.currentTimeMillis();
                    System.out.printf("  [%3ds] %s%n", (lastPrint - started) / 1000, progress(summary));
                }
            }
        } finally {
            slowdown.shutdownNow();
            AbDatabase.setSlowdown(database, 0);
        }
        long[] pgAfter = AbDatabase.databaseStats(database);
        into.scenario(scenario, summary, AbDatabase.tuplesWritten(options, database), pgAfter[0] - pgBefore[0],
                pgAfter[1] - pgBefore[1]);
        System.out.print(into.printed());
    }

    private static String progress(RunSummary summary) {
        StringBuilder sb = new StringBuilder();
        summary.arms().forEach((arm, s) -> sb.append(String.format("%s %,d ev p99 %,d ms | ", arm, s.events,
                s.latencyPercentileMillis(99))));
        return sb.toString();
    }
}
