package io.dynbatch.bench;

import io.dynbatch.bench.ab.AbBenchmark;
import io.dynbatch.bench.e2e.EndToEndThroughputBenchmark;
import io.dynbatch.bench.jobwindow.JobWindowBenchmark;
import io.dynbatch.bench.jobwindow.JobWindowVariant;
import io.dynbatch.bench.memory.MemoryBenchmark;
import io.dynbatch.bench.throughput.ThroughputBenchmark;
import io.dynbatch.bench.throughput.TriggerMicroBenchmark;
import io.dynbatch.bench.write.WritePathBenchmark;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Runs the benchmarks and writes their results (CSV + JSON with machine and versions, and a Markdown
 * summary) to the results directory.
 *
 * <pre>
 * --suites job-window,throughput,micro,write,memory   which benchmarks (default: these five)
 *                                    e2e: the whole job on the local standalone cluster (opt-in: minutes)
 * --e2e-events N                     events per end-to-end run (default 3000000)
 * --e2e-arms adaptive,...            which end-to-end configurations besides the ceiling (default: all)
 * --e2e-job-args k=v,...             further job options for the end-to-end runs, e.g. shards=128
 * --quick                            tiny sizes, one round: a smoke run (seconds)
 * --backends hashmap,rocksdb         state backends of the throughput runs
 * --parallelism 1,2                  parallelism of the throughput runs
 * --batch-sizes 100,1000,10000       batch sizes of the throughput runs
 * --variants builtin,static,adaptive,adaptive-events   what the job-window runs besides the keyed reduce
 * --rounds N                         measured rounds (throughput, write path)
 * --jdbc-url URL                     PostgreSQL for the write path (default jdbc:postgresql://127.0.0.1:5432/test, user postgres)
 * --out DIR                          results directory (default: results, i.e. bench/results under Maven)
 * </pre>
 */
public final class BenchMain {

    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String COMMAND = "mvn -B -q -pl bench -am package -DskipTests -Pbench";

    private BenchMain() {}

    /** What a run produced, for the smoke test. */
    public record Outcome(List<ThroughputBenchmark.Summary> throughput, List<WritePathBenchmark.Summary> write,
            List<MemoryBenchmark.StateRow> state, List<MemoryBenchmark.HeapRow> heap, boolean databaseSkipped) {}

    public static void main(String[] args) throws Exception {
        run(args, System.out);
        System.exit(0); // Flink leaves non-daemon threads behind
    }

    public static Outcome run(String[] args, PrintStream out) throws Exception {
        Set<String> suites = new LinkedHashSet<>(List.of("job-window", "throughput", "micro", "write", "memory"));
        boolean quick = false;
        List<String> backends = List.of("rocksdb", "hashmap"); // the deploy default first
        Integer rounds = null;
        List<Integer> parallelism = null;
        List<Integer> batchSizes = null;
        String url = DEFAULT_JDBC_URL;
        Path dir = Path.of("results");
        long e2eEvents = 3_000_000;
        List<JobWindowVariant> variants = null;
        List<String> e2eArms = List.of();
        List<String> e2eJobArgs = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--suites" -> suites = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--quick" -> quick = true;
                case "--backends" -> backends = Arrays.asList(args[++i].split(","));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--parallelism" -> parallelism = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--batch-sizes" -> batchSizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--jdbc-url" -> url = args[++i];
                case "--out" -> dir = Path.of(args[++i]);
                case "--e2e-events" -> e2eEvents = Long.parseLong(args[++i]);
                case "--e2e-arms" -> e2eArms = Arrays.asList(args[++i].split(","));
                case "--e2e-job-args" -> e2eJobArgs = AbBenchmark.jobArgs(args[++i]);
                case "--variants" -> variants = Arrays.stream(args[++i].split(",")).map(JobWindowVariant::byLabel).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see BenchMain's Javadoc)");
            }
        }
        String command = COMMAND + (args.length == 0 ? "" : " -Dbench.args=\"" + String.join(" ", args) + "\"");
        boolean dbUp = databaseAnswers(url);
        Map<String, String> machine = BenchInfo.describe(dbUp ? url : null);
        out.println("dynbatch benchmarks: " + machine);
        BenchReport report = new BenchReport(machine, command);

        if (suites.contains("e2e")) {
            Path repo = Path.of("").toAbsolutePath();
            repo = repo.getFileName().toString().equals("bench") ? repo.getParent() : repo;
            EndToEndThroughputBenchmark b = new EndToEndThroughputBenchmark(repo, out);
            List<EndToEndThroughputBenchmark.Run> runs = b.run(new EndToEndThroughputBenchmark.Settings(e2eEvents, url,
                    rounds != null ? rounds : 1, e2eArms, e2eJobArgs));
            EndToEndThroughputBenchmark.write(dir, machine, command, runs);
        }
        if (suites.contains("job-window")) {
            JobWindowBenchmark.Settings s = quick ? JobWindowBenchmark.Settings.quick(backends) : JobWindowBenchmark.Settings.full();
            s = new JobWindowBenchmark.Settings(backends, parallelism != null ? parallelism : s.parallelisms(),
                    batchSizes != null ? batchSizes : s.batchSizes(), variants != null ? variants : s.triggers(), rounds != null ? rounds : s.rounds(),
                    s.rocksdbRecords(), s.heapRecords(), s.warmupRecords());
            try (BenchCluster cluster = new BenchCluster()) {
                JobWindowBenchmark b = new JobWindowBenchmark(cluster, out);
                b.write(dir, machine, command, b.run(s));
            }
        }
        List<ThroughputBenchmark.Summary> tp = List.of();
        if (suites.contains("throughput")) {
            ThroughputBenchmark.Settings s = quick ? ThroughputBenchmark.Settings.quick(backends) : ThroughputBenchmark.Settings.full();
            s = new ThroughputBenchmark.Settings(backends, parallelism != null ? parallelism : s.parallelisms(),
                    batchSizes != null ? batchSizes : s.batchSizes(), s.variants(), s.warmups(),
                    rounds != null ? rounds : s.rounds(), s.targetSeconds(), s.minRecords(), s.maxRecords());
            try (BenchCluster cluster = new BenchCluster()) {
                ThroughputBenchmark b = new ThroughputBenchmark(cluster, out);
                tp = b.run(s);
                report.throughput(dir, b, tp, s);
            }
        }
        if (suites.contains("micro")) {
            out.printf(Locale.ROOT, "%n[trigger alone]%n");
            List<TriggerMicroBenchmark.Row> micro = TriggerMicroBenchmark.run(quick ? List.of(100) : List.of(100, 10_000),
                    quick ? 20_000 : 3_000_000, quick ? 1 : 5, out);
            report.micro(dir, micro, TriggerMicroBenchmark.clockNanos());
        }
        List<WritePathBenchmark.Summary> wp = List.of();
        if (suites.contains("write")) {
            if (dbUp) {
                WritePathBenchmark.Settings s = quick ? WritePathBenchmark.Settings.quick() : WritePathBenchmark.Settings.full();
                if (rounds != null) {
                    s = new WritePathBenchmark.Settings(s.batchSizes(), s.methods(), rounds, s.rowBudget(), s.minRows(), s.updates());
                }
                out.printf(Locale.ROOT, "%n[write path] %s%n", url);
                WritePathBenchmark b = new WritePathBenchmark(url, out);
                wp = b.run(s);
                report.write(dir, b, wp);
            } else {
                out.println("[write path] skipped: no PostgreSQL answers at " + url);
            }
        }
        List<MemoryBenchmark.StateRow> state = List.of();
        List<MemoryBenchmark.HeapRow> heap = List.of();
        if (suites.contains("memory")) {
            MemoryBenchmark.Settings s = quick ? MemoryBenchmark.Settings.quick() : MemoryBenchmark.Settings.full();
            out.printf(Locale.ROOT, "%n[memory]%n");
            MemoryBenchmark b = new MemoryBenchmark(out);
            state = b.statePerKey(s);
            heap = b.heapOfPending(s);
            report.memory(dir, state, heap);
        }
        if (suites.stream().anyMatch(Set.of("throughput", "micro", "write", "memory")::contains)) {
            String md = report.markdown(); // the tables of these suites; job-window and e2e write their own
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(quick ? "summary-quick.md" : "summary.md"), md, StandardCharsets.UTF_8);
            out.println();
            out.println(md);
        }
        return new Outcome(tp, wp, state, heap, suites.contains("write") && !dbUp);
    }

    static boolean databaseAnswers(String url) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(url, p)) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
