package io.dynbatch.bench.e2e;

import io.dynbatch.bench.ResultFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The whole job, end to end, on the deploy configuration: the local standalone cluster of
 * deploy/local-cluster.sh (deploy/flink/config.yaml: RocksDB, incremental checkpoints every 10 s),
 * the shaded job jar submitted with the real {@code flink run}, writing to PostgreSQL. The input is
 * already waiting: the built-in generator with its whole day compressed into one second, so the
 * source emits as fast as the job takes it. Five runs per round on the same cluster, each checked
 * exact against the generated count:
 *
 * <ul>
 *   <li>{@code ceiling}: source -> parse/validate -> discard ({@code --dry-run}), what the job's input
 *       side can do at all;
 *   <li>{@code adaptive}: one adaptive arm ({@code --ab-mode off}) with the default shards;
 *   <li>{@code adaptive (4 shards)}: the same with {@code --shards 4}, what the shard count costs;
 *   <li>{@code static+adaptive}: the default shadow pair (every event through both arms, each arm
 *       reading and parsing its own copy of the input: {@code --ab-isolation isolated});
 *   <li>{@code adaptive (no pre-compaction)}: the per-event path ({@code --pre-compact-delay 0}).
 * </ul>
 *
 * <p>Each run reports events/s from the first record out of the source to the job's end, the
 * sustained rate between 10% and 90% of the input with the TaskManager process's CPU time per event
 * over the same span (all its threads; steadier than the rate on a shared machine), and the bottleneck task (the busiest task that
 * was not itself back-pressured, from the TaskManager's Prometheus metrics).
 */
public final class EndToEndThroughputBenchmark {

    /**
     * What to run: {@code arms} picks configurations by their label (empty: all), {@code jobArgs} go to
     * every job but the ceiling's.
     */
    public record Settings(long events, String jdbcUrl, int rounds, List<String> arms, List<String> jobArgs) {
        public Settings(long events, String jdbcUrl, int rounds) {
            this(events, jdbcUrl, rounds, List.of(), List.of());
        }
    }

    /** One run. */
    public record Run(String arms, int round, long events, JobWatch.Outcome outcome, boolean exact, String stateBackend) {
        double eventsPerSecond() {
            return events / outcome.seconds();
        }
    }

    private static final List<String[]> CONFIGS = List.of(
            new String[] {"none (ceiling)", "--dry-run"},
            new String[] {"adaptive", "--arms", "adaptive", "--ab-mode", "off"},
            new String[] {"adaptive (4 shards)", "--arms", "adaptive", "--ab-mode", "off", "--shards", "4"},
            new String[] {"static+adaptive", "--arms", "static,adaptive", "--ab-mode", "shadow"},
            new String[] {"adaptive (no pre-compaction)", "--arms", "adaptive", "--ab-mode", "off",
                    "--pre-compact-delay", "0"});

    private final Path repo;
    private final PrintStream log;

    public EndToEndThroughputBenchmark(Path repo, PrintStream log) {
        this.repo = repo;
        this.log = log;
    }

    public List<Run> run(Settings s) throws Exception {
        Path jar = shadedJobJar();
        List<Run> runs = new ArrayList<>();
        try (LocalClusterScript cluster = new LocalClusterScript(repo, repo.resolve("bench/target/e2e-cluster"))) {
            Map<String, String> env = cluster.start();
            JobWatch watch = new JobWatch(env.get("REST_URL"), env.get("TASKMANAGER_PROMETHEUS"));
            String backend = watch.clusterConfig("state.backend.type");
            log.printf(Locale.ROOT, "%n[e2e] local standalone cluster at %s, state backend %s, %,d events per run%n",
                    env.get("REST_URL"), backend, s.events());
            for (int round = 0; round < s.rounds(); round++) {
                for (String[] config : CONFIGS) {
                    if (config[1].equals("--dry-run") || s.arms().isEmpty() || s.arms().contains(config[0])) {
                        runs.add(runOne(cluster, watch, jar, s, config, round, backend));
                    }
                }
            }
        }
        return runs;
    }

    private Run runOne(LocalClusterScript cluster, JobWatch watch, Path jar, Settings s, String[] config, int round,
            String backend) throws Exception {
        String arms = config[0];
        String table = "e2e_" + Long.toHexString(System.nanoTime() & 0xffffffffL);
        List<String> args = new ArrayList<>(List.of("--jdbc-url", s.jdbcUrl(), "--jdbc-user", "postgres",
                "--table", table, "--dead-letter-table", table + "_dead", "--report-table", table + "_report",
                "--events", String.valueOf(s.events()), "--duration", "1s", "--start-delay", "5s",
                "--parallelism", "2"));
        args.addAll(List.of(config).subList(1, config.length));
        if (!config[1].equals("--dry-run")) {
            args.addAll(s.jobArgs());
        }
        log.printf(Locale.ROOT, "[e2e] round %d, arms %s: flink run %s%n", round, arms, String.join(" ", args));
        String jobId = cluster.submit(jar, args);
        JobWatch.Outcome o = watch.watch(jobId, s.events(), Duration.ofMinutes(30));
        if (!o.state().equals("FINISHED")) {
            throw new IllegalStateException("job " + jobId + " ended " + o.state());
        }
        boolean exact = o.sourceRecords() == s.events() && (config[1].equals("--dry-run")
                || armTablesHold(s.jdbcUrl(), table, arms.contains("+"), s.events()));
        Run run = new Run(arms, round, s.events(), o, exact, backend);
        log.printf(Locale.ROOT, "[e2e] round %d, arms %-16s %,10.0f events/s over %.1f s (sustained %,.0f/s, "
                + "TaskManager CPU %.2f us/event), bottleneck %s (busy %.0f ms/s), exact %s%n", round, arms,
                run.eventsPerSecond(), o.seconds(), o.sustainedPerSecond(), o.sustainedCpuNanosPerRecord() / 1000,
                o.bottleneck(), o.bottleneckBusy(), exact);
        return run;
    }

    /** Every arm's totals table holds exactly {@code events} events. */
    private static boolean armTablesHold(String url, String table, boolean shadowPair, long events) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
            for (String t : shadowPair ? List.of(table + "_static", table + "_adaptive") : List.of(table)) {
                try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(events), 0) FROM " + t)) {
                    rs.next();
                    if (rs.getLong(1) != events) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private Path shadedJobJar() throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve("job/target"))) {
            return files.filter(f -> f.getFileName().toString().matches("dynbatch-job-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no shaded job jar in job/target: run "
                            + "`mvn -B -q -pl bench -am package -DskipTests -Pbench` (it builds the jar first)"));
        }
    }

    /** Writes {@code e2e-throughput.csv} (one row per run, with the ceiling of the same round) and the polls. */
    public static void write(Path dir, Map<String, String> machine, String command, List<Run> runs) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> polls = new ArrayList<>();
        for (Run r : runs) {
            double ceiling = runs.stream().filter(o -> o.round() == r.round() && o.arms().startsWith("none"))
                    .mapToDouble(Run::eventsPerSecond).findFirst().orElse(Double.NaN);
            JobWatch.Outcome o = r.outcome();
            rows.add(List.of(r.stateBackend(), r.arms(), String.valueOf(r.round()), String.valueOf(r.events()),
                    fmt(o.seconds(), 2), fmt(r.eventsPerSecond(), 0), fmt(o.sustainedPerSecond(), 0),
                    fmt(o.sustainedCpuNanosPerRecord() / 1000, 3), fmt(ceiling, 0),
                    fmt(r.eventsPerSecond() / ceiling, 3), o.bottleneck(), fmt(o.bottleneckBusy(), 0),
                    String.valueOf(r.exact())));
            for (JobWatch.Sample s : o.samples()) {
                polls.add(List.of(r.arms(), String.valueOf(r.round()), String.valueOf(s.millis() - o.firstRecordMillis()),
                        fmt(s.sourceOut(), 0)));
            }
        }
        ResultFiles.write(dir, "e2e-throughput", machine, command, List.of("state_backend", "arms", "round", "events",
                "seconds", "events_per_s", "sustained_events_per_s", "sustained_tm_cpu_us_per_event", "ceiling_events_per_s",
                "ratio_to_ceiling",
                "bottleneck_task", "bottleneck_busy_ms_per_s", "exact"), rows);
        ResultFiles.write(dir, "e2e-throughput-polls", machine, command, List.of("arms", "round", "ms_since_first_record",
                "source_records_out"), polls);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
