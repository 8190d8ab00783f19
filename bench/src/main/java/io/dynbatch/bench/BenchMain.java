package io.dynbatch.bench;

import io.dynbatch.bench.e2e.EndToEndThroughputBenchmark;
import io.dynbatch.bench.jobwindow.JobWindowBenchmark;
import io.dynbatch.bench.jobwindow.JobWindowVariant;
import io.dynbatch.bench.memory.MemoryBenchmark;
import io.dynbatch.bench.throughput.ThroughputBenchmark;
import io.dynbatch.bench.throughput.TriggerMicroBenchmark;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.bench.write.WritePathBenchmark;
import io.dynbatch.job.report.TableFormat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
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
                case "--variants" -> variants = Arrays.stream(args[++i].split(",")).map(JobWindowVariant::byLabel).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see BenchMain's Javadoc)");
            }
        }
        String command = COMMAND + (args.length == 0 ? "" : " -Dbench.args=\"" + String.join(" ", args) + "\"");
        boolean dbUp = databaseAnswers(url);
        Map<String, String> machine = BenchInfo.describe(dbUp ? url : null);
        out.println("dynbatch benchmarks: " + machine);
        Report report = new Report(machine, command);

        if (suites.contains("e2e")) {
            Path repo = Path.of("").toAbsolutePath();
            repo = repo.getFileName().toString().equals("bench") ? repo.getParent() : repo;
            EndToEndThroughputBenchmark b = new EndToEndThroughputBenchmark(repo, out);
            List<EndToEndThroughputBenchmark.Run> runs = b.run(new EndToEndThroughputBenchmark.Settings(e2eEvents, url,
                    rounds != null ? rounds : 1));
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
        String md = report.markdown();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(quick ? "summary-quick.md" : "summary.md"), md, StandardCharsets.UTF_8);
        out.println();
        out.println(md);
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

    /** Collects the tables as CSV/JSON files and as Markdown. */
    static final class Report {
        private final Map<String, String> machine;
        private final String command;
        private final StringBuilder md = new StringBuilder();

        Report(Map<String, String> machine, String command) {
            this.machine = machine;
            this.command = command;
            md.append("Measured ").append(machine.get("measured_at")).append(" on ").append(machine.get("cpu_model"))
                    .append(" (").append(machine.get("available_processors")).append(" cores, shared), ")
                    .append(machine.get("java")).append(", Flink ").append(machine.get("flink"))
                    .append(", PostgreSQL ").append(machine.get("postgresql_server")).append(" (JDBC ")
                    .append(machine.get("postgresql_jdbc")).append("). Command: `").append(command).append("`.\n");
        }

        String markdown() {
            return md.toString();
        }

        void throughput(Path dir, ThroughputBenchmark b, List<ThroughputBenchmark.Summary> rows, ThroughputBenchmark.Settings s)
                throws Exception {
            List<List<String>> raw = new ArrayList<>();
            for (ThroughputBenchmark.Run r : b.runs()) {
                raw.add(List.of(r.backend(), str(r.parallelism()), r.variant().label(), str(r.batchSize()), str(r.round()),
                        String.valueOf(r.warmup()), str(r.records()), fmt(r.seconds(), 4), fmt(r.rate(), 0), fmt(r.cpuNanosPerRecord(), 1)));
            }
            ResultFiles.write(dir, "throughput-runs", machine, command, List.of("backend", "parallelism", "variant", "batch_size",
                    "round", "warmup", "records", "seconds", "records_per_s", "keyed_task_cpu_ns_per_record"), raw);
            List<List<String>> sum = new ArrayList<>();
            for (ThroughputBenchmark.Summary r : rows) {
                sum.add(List.of(r.backend(), str(r.parallelism()), r.variant().label(), str(r.batchSize()), str(r.records()),
                        str(r.rate().n()), fmt(r.rate().mean(), 0), fmt(r.rate().ci95(), 0), fmt(r.ratioToBuiltin().mean(), 3),
                        fmt(r.ratioToBuiltin().ci95(), 3), fmt(r.ratioToBuiltin().min(), 3), fmt(r.cpuNanosPerRecord().mean(), 1),
                        fmt(r.cpuRatioToBuiltin().mean(), 3), fmt(r.cpuRatioToBuiltin().ci95(), 3), fmt(r.bestRatioToBuiltin(), 3),
                        fmt(r.rate().max(), 0)));
            }
            ResultFiles.write(dir, "throughput", machine, command, List.of("backend", "parallelism", "variant", "batch_size",
                    "records_per_run", "rounds", "records_per_s_mean", "records_per_s_ci95", "ratio_to_builtin_mean",
                    "ratio_to_builtin_ci95", "ratio_to_builtin_min", "keyed_task_cpu_ns_per_record", "cpu_ratio_to_builtin_mean",
                    "cpu_ratio_to_builtin_ci95", "best_run_ratio_to_builtin", "records_per_s_best"), sum);

            md.append("\n**Throughput** (records/s, mean ± 95% CI over ").append(s.rounds())
                    .append(" interleaved rounds; ratio = paired ratio to the built-in trigger in the same round, mean [min]; "
                            + "best = best run / built-in's best run; cpu = the built-in's keyed-task CPU ns per record divided by this "
                            + "variant's)\n\n");
            md.append("| backend | p | batch | built-in rec/s | static rec/s | ratio [min] | best | cpu | adaptive rec/s | ratio [min] | best | cpu | keyed reduce rec/s | ratio |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String backend : s.backends()) {
                for (int p : s.parallelisms()) {
                    for (int n : s.batchSizes()) {
                        ThroughputBenchmark.Summary bi = find(rows, backend, p, TriggerVariant.BUILTIN, n);
                        ThroughputBenchmark.Summary st = find(rows, backend, p, TriggerVariant.STATIC, n);
                        ThroughputBenchmark.Summary ad = find(rows, backend, p, TriggerVariant.ADAPTIVE, n);
                        ThroughputBenchmark.Summary re = find(rows, backend, p, TriggerVariant.REDUCE, 0);
                        md.append("| ").append(backend).append(" | ").append(p).append(" | ").append(n).append(" | ")
                                .append(rate(bi)).append(" | ").append(rate(st)).append(" | ").append(ratio(st)).append(" | ")
                                .append(best(st)).append(" | ").append(cpu(st)).append(" | ").append(rate(ad)).append(" | ")
                                .append(ratio(ad)).append(" | ").append(best(ad)).append(" | ").append(cpu(ad)).append(" | ")
                                .append(rate(re)).append(" | ");
                        if (re != null && bi != null) {
                            Stats rr = b.reduceRatio(backend, p, n, s.rounds());
                            md.append(fmt(rr.mean(), 2)).append("x");
                        }
                        md.append(" |\n");
                    }
                }
            }
        }

        void micro(Path dir, List<TriggerMicroBenchmark.Row> rows, double clockNanos) throws Exception {
            List<List<String>> csv = new ArrayList<>();
            for (TriggerMicroBenchmark.Row r : rows) {
                csv.add(List.of(r.variant().label(), str(r.batchSize()), str(r.nanosPerElement().n()), fmt(r.nanosPerElement().mean(), 2),
                        fmt(r.nanosPerElement().ci95(), 2), fmt(r.nanosPerElement().min(), 2)));
            }
            csv.add(List.of("System.currentTimeMillis", "", "1", fmt(clockNanos, 2), "", fmt(clockNanos, 2)));
            ResultFiles.write(dir, "trigger-alone", machine, command, List.of("variant", "batch_size", "rounds", "ns_per_element_mean",
                    "ns_per_element_ci95", "ns_per_element_min"), csv);
            md.append("\n**The trigger alone** (ns per element on Flink's TriggerTestHarness, heap state, one key, test clock; "
                    + "mean ± 95% CI [min]; the built-in and the adaptive trigger also read the system clock per element on a real "
                    + "task: ").append(fmt(clockNanos, 1)).append(" ns)\n\n| batch | built-in | static | adaptive |\n|---|---|---|---|\n");
            for (int n : rows.stream().map(TriggerMicroBenchmark.Row::batchSize).distinct().toList()) {
                md.append("| ").append(n);
                for (TriggerVariant v : List.of(TriggerVariant.BUILTIN, TriggerVariant.STATIC, TriggerVariant.ADAPTIVE)) {
                    rows.stream().filter(r -> r.batchSize() == n && r.variant() == v).findFirst().ifPresent(r ->
                            md.append(" | ").append(fmt(r.nanosPerElement().mean(), 1)).append(" ± ")
                                    .append(fmt(r.nanosPerElement().ci95(), 1)).append(" [").append(fmt(r.nanosPerElement().min(), 1)).append("]"));
                }
                md.append(" |\n");
            }
        }

        void write(Path dir, WritePathBenchmark b, List<WritePathBenchmark.Summary> rows) throws Exception {
            List<List<String>> raw = new ArrayList<>();
            for (WritePathBenchmark.Run r : b.runs()) {
                raw.add(List.of(r.method().label(), r.scenario(), str(r.batchSize()), str(r.round()), str(r.rows()), str(r.batches()),
                        fmt(r.seconds(), 4), fmt(r.rowsPerSecond(), 0), fmt(r.millisPer1kRows(), 3)));
            }
            ResultFiles.write(dir, "write-path-runs", machine, command, List.of("method", "scenario", "batch_size", "round", "rows",
                    "batches", "seconds", "rows_per_s", "db_ms_per_1k_rows"), raw);
            List<List<String>> sum = new ArrayList<>();
            for (WritePathBenchmark.Summary r : rows) {
                sum.add(List.of(r.method().label(), r.scenario(), str(r.batchSize()), str(r.rows()), str(r.rowsPerSecond().n()),
                        fmt(r.rowsPerSecond().mean(), 0), fmt(r.rowsPerSecond().ci95(), 0), fmt(r.millisPer1kRows().mean(), 3),
                        fmt(r.millisPer1kRows().ci95(), 3), fmt(r.ratioToCopy().mean(), 3), fmt(r.rowsPerSecond().max(), 0)));
            }
            ResultFiles.write(dir, "write-path", machine, command, List.of("method", "scenario", "batch_size", "rows_per_run", "rounds",
                    "rows_per_s_mean", "rows_per_s_ci95", "db_ms_per_1k_rows_mean", "db_ms_per_1k_rows_ci95", "ratio_to_copy_insert",
                    "rows_per_s_best"), sum);

            md.append("\n**Write path** (PostgreSQL on loopback; rows/s mean ± 95% CI, DB ms per 1,000 rows; "
                    + "ratio = rows/s relative to COPY at the same batch size, paired per round)\n\n");
            md.append("| scenario | batch | method | rows/s | best rows/s | DB ms / 1k rows | vs COPY | best vs best COPY |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            for (WritePathBenchmark.Summary r : rows) {
                double copyBest = rows.stream().filter(c -> c.method() == WritePathBenchmark.Method.COPY && c.batchSize() == r.batchSize())
                        .mapToDouble(c -> c.rowsPerSecond().max()).findFirst().orElse(Double.NaN);
                md.append("| ").append(r.scenario()).append(" | ").append(r.batchSize()).append(" | ").append(r.method().label())
                        .append(" | ").append(fmtThousands(r.rowsPerSecond().mean())).append(" ± ").append(fmtThousands(r.rowsPerSecond().ci95()))
                        .append(" | ").append(fmtThousands(r.rowsPerSecond().max()))
                        .append(" | ").append(fmt(r.millisPer1kRows().mean(), 2)).append(" | ")
                        .append(r.ratioToCopy().n() > 0 ? fmt(r.ratioToCopy().mean(), 2) + "x" : "").append(" | ")
                        .append(fmt(r.rowsPerSecond().max() / copyBest, 2)).append("x |\n");
            }
        }

        void memory(Path dir, List<MemoryBenchmark.StateRow> state, List<MemoryBenchmark.HeapRow> heap) throws Exception {
            List<List<String>> s = new ArrayList<>();
            for (MemoryBenchmark.StateRow r : state) {
                s.add(List.of(r.variant(), r.backend(), r.situation(), fmt(r.bytesPerKey(), 1)));
            }
            ResultFiles.write(dir, "state-per-key", machine, command, List.of("variant", "backend", "situation", "bytes_per_key"), s);
            List<List<String>> h = new ArrayList<>();
            for (MemoryBenchmark.HeapRow r : heap) {
                h.add(List.of(r.variant(), r.contents(), str(r.events()), fmt(r.heapMb(), 1), fmt(r.bytesPerEvent(), 1)));
            }
            ResultFiles.write(dir, "heap-pending", machine, command, List.of("variant", "window_contents", "pending_events", "heap_mb",
                    "bytes_per_event"), h);

            md.append("\n**Keyed state per key** (bytes in a full checkpoint in the canonical savepoint format, incl. key, "
                    + "namespace and timers; trigger rows exclude the window contents)\n\n");
            md.append(TableFormat.<MemoryBenchmark.StateRow>of().column("variant", MemoryBenchmark.StateRow::variant)
                    .column("backend", MemoryBenchmark.StateRow::backend).column("situation", MemoryBenchmark.StateRow::situation)
                    .column("bytes/key", r -> fmt(r.bytesPerKey(), 1)).markdown(state));
            md.append("\n**Heap with pending events** (heap state backend, live heap after full GC)\n\n");
            md.append(TableFormat.<MemoryBenchmark.HeapRow>of().column("window contents", MemoryBenchmark.HeapRow::contents)
                    .column("trigger", MemoryBenchmark.HeapRow::variant)
                    .column("pending events", r -> String.format(Locale.ROOT, "%,d", r.events()))
                    .column("heap MB", r -> fmt(r.heapMb(), 1)).column("bytes/event", r -> fmt(r.bytesPerEvent(), 1))
                    .markdown(heap));
        }

        private static ThroughputBenchmark.Summary find(List<ThroughputBenchmark.Summary> rows, String backend, int p,
                TriggerVariant v, int n) {
            return rows.stream().filter(r -> r.backend().equals(backend) && r.parallelism() == p && r.variant() == v
                    && r.batchSize() == n).findFirst().orElse(null);
        }

        private static String rate(ThroughputBenchmark.Summary r) {
            return r == null ? "" : fmtThousands(r.rate().mean()) + " ± " + fmtThousands(r.rate().ci95());
        }

        private static String ratio(ThroughputBenchmark.Summary r) {
            return r == null || r.ratioToBuiltin().n() == 0 ? ""
                    : fmt(r.ratioToBuiltin().mean(), 2) + "x [" + fmt(r.ratioToBuiltin().min(), 2) + "]";
        }

        private static String best(ThroughputBenchmark.Summary r) {
            return r == null || Double.isNaN(r.bestRatioToBuiltin()) ? "" : fmt(r.bestRatioToBuiltin(), 2) + "x";
        }

        private static String cpu(ThroughputBenchmark.Summary r) {
            return r == null || r.cpuRatioToBuiltin().n() == 0 ? "" : fmt(r.cpuRatioToBuiltin().mean(), 2) + "x";
        }
    }

    static String str(long v) {
        return Long.toString(v);
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String fmtThousands(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%,.0f", v);
    }
}
