package io.dynbatch.bench.jobwindow;

import io.dynbatch.bench.BenchCluster;
import io.dynbatch.bench.ResultFiles;
import io.dynbatch.bench.Stats;
import io.dynbatch.bench.throughput.ThroughputJob;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records/s and CPU per record of the job's own batching path ({@link JobWindowRun}) for each state
 * backend (RocksDB, the deploy default, first), parallelism, trigger and batch size, against a plain
 * keyed reduce of the same events on the same backend in the same rounds. The static and adaptive arms
 * run as deployed, pre-compacted; {@code adaptive-events} is the adaptive arm without pre-compaction.
 *
 * <p>Method: per (backend, parallelism) group every configuration runs once on a small input as
 * warm-up, then {@code rounds} times measured on the group's input, rounds interleaving all
 * configurations in a rotating order so that the noise of a shared machine hits every one alike. A
 * run is timed from the first record the source maps to the last batch reaching the end of the
 * pipeline; the CPU is both task threads' (the source chain, where the pre-compaction runs, and the keyed
 * chain). Every run checks that every input event came out.
 */
public final class JobWindowBenchmark {

    /** What to measure. */
    public record Settings(List<String> backends, List<Integer> parallelisms, List<Integer> batchSizes,
            List<JobWindowVariant> triggers, int rounds, long rocksdbRecords, long heapRecords, long warmupRecords) {

        public static Settings full() {
            return new Settings(List.of("rocksdb", "hashmap"), List.of(1, 2), List.of(100, 1_000, 10_000, 50_000),
                    List.of(JobWindowVariant.BUILTIN, JobWindowVariant.STATIC, JobWindowVariant.ADAPTIVE,
                            JobWindowVariant.ADAPTIVE_EVENTS), 3, 800_000, 2_000_000, 200_000);
        }

        /** One tiny run of each trigger at one batch size, parallelism 1: a smoke run. */
        public static Settings quick(List<String> backends) {
            return new Settings(backends, List.of(1), List.of(100), List.of(JobWindowVariant.BUILTIN,
                    JobWindowVariant.STATIC, JobWindowVariant.ADAPTIVE, JobWindowVariant.ADAPTIVE_EVENTS), 1, 20_000, 20_000, 0);
        }

        long records(String backend) {
            return backend.equals("rocksdb") ? rocksdbRecords : heapRecords;
        }
    }

    /** One measured or warm-up run; {@code trigger} is {@code keyed-reduce} for the reference. */
    public record Run(String backend, int parallelism, String trigger, int batch, int round, boolean warmup,
            long records, double seconds, double cpuNanosPerRecord, double keyedCpuNanosPerRecord) {
        public double rate() {
            return records / seconds;
        }
    }

    /** One cell of the grid over the measured rounds, with the keyed reduce of the same rounds. */
    public record Summary(String backend, int parallelism, String trigger, int batch, long records, Stats rate,
            Stats cpuNanosPerRecord, Stats keyedCpuNanosPerRecord, Stats keyedReduceRate) {
        public double ratioToKeyedReduce() {
            return rate.mean() / keyedReduceRate.mean();
        }
    }

    static final String REDUCE = JobWindowVariant.KEYED_REDUCE.label();

    private final BenchCluster cluster;
    private final PrintStream log;
    private final List<Run> runs = new ArrayList<>();

    public JobWindowBenchmark(BenchCluster cluster, PrintStream log) {
        this.cluster = cluster;
        this.log = log;
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Summary> run(Settings s) throws Exception {
        List<Summary> out = new ArrayList<>();
        for (String backend : s.backends()) {
            for (int p : s.parallelisms()) {
                out.addAll(runGroup(s, backend, p));
            }
        }
        return out;
    }

    private record Config(JobWindowVariant trigger, int batch) {
        String label() {
            return trigger.label();
        }
    }

    private List<Summary> runGroup(Settings s, String backend, int p) throws Exception {
        List<Config> configs = new ArrayList<>();
        for (int n : s.batchSizes()) {
            for (JobWindowVariant t : s.triggers()) {
                configs.add(new Config(t, n));
            }
        }
        configs.add(new Config(JobWindowVariant.KEYED_REDUCE, 0));
        long records = s.records(backend);
        log.printf(Locale.ROOT, "%n[job-window] backend=%s parallelism=%d: %,d records per run, %d configs x %d rounds%n",
                backend, p, records, configs.size(), s.rounds());
        if (s.warmupRecords() > 0) {
            for (Config c : configs) {
                long warm = Math.max(s.warmupRecords(), (long) ThroughputJob.SHARDS * c.batch);
                runs.add(toRun(backend, p, c, -1, true, runOnce(backend, p, c, warm)));
            }
        }
        for (int round = 0; round < s.rounds(); round++) {
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get((i + round * 5) % configs.size());
                Run run = toRun(backend, p, c, round, false, runOnce(backend, p, c, records));
                runs.add(run);
                log.printf(Locale.ROOT, "  round %d %-15s n=%-6d %,12.0f rec/s (%.2f s) %7.0f cpu-ns/rec (keyed task %.0f)%n",
                        round, c.label(), c.batch, run.rate(), run.seconds(), run.cpuNanosPerRecord(),
                        run.keyedCpuNanosPerRecord());
            }
        }
        List<Summary> out = new ArrayList<>();
        Stats reduce = Stats.of(measured(backend, p, REDUCE, 0).stream().mapToDouble(Run::rate).toArray());
        for (Config c : configs) {
            List<Run> mine = measured(backend, p, c.label(), c.batch);
            out.add(new Summary(backend, p, c.label(), c.batch, records,
                    Stats.of(mine.stream().mapToDouble(Run::rate).toArray()),
                    Stats.of(mine.stream().mapToDouble(Run::cpuNanosPerRecord).toArray()),
                    Stats.of(mine.stream().mapToDouble(Run::keyedCpuNanosPerRecord).toArray()), reduce));
        }
        return out;
    }

    private List<Run> measured(String backend, int p, String trigger, int batch) {
        return runs.stream().filter(r -> !r.warmup() && r.backend().equals(backend) && r.parallelism() == p
                && r.trigger().equals(trigger) && r.batch() == batch).toList();
    }

    private static Run toRun(String backend, int p, Config c, int round, boolean warmup, ThroughputJob.Result r) {
        return new Run(backend, p, c.label(), c.batch, round, warmup, r.records(), r.seconds(), r.taskCpuNanosPerRecord(),
                r.cpuNanosPerRecord());
    }

    private ThroughputJob.Result runOnce(String backend, int p, Config c, long records) throws Exception {
        ThroughputJob.Result r = JobWindowRun.run(cluster.environment(backend, p), c.trigger, c.batch, records);
        if (r.eventsAtEnd() != records) {
            throw new IllegalStateException(c.label() + " n=" + c.batch + " on " + backend + ": " + r.eventsAtEnd() + " of "
                    + records + " events came out");
        }
        return r;
    }

    /**
     * Writes {@code job-window.csv} (one row per cell), {@code job-window-runs.csv} (every run) with
     * their JSON twins, and {@code job-window.md} (the table, with the flatness and reference ratios).
     */
    public void write(Path dir, Map<String, String> machine, String command, List<Summary> summaries) throws IOException {
        List<List<String>> raw = new ArrayList<>();
        for (Run r : runs) {
            raw.add(List.of(r.backend(), str(r.parallelism()), r.trigger(), str(r.batch()), str(r.round()),
                    String.valueOf(r.warmup()), str(r.records()), fmt(r.seconds(), 4), fmt(r.rate(), 0),
                    fmt(r.cpuNanosPerRecord(), 1), fmt(r.keyedCpuNanosPerRecord(), 1)));
        }
        ResultFiles.write(dir, "job-window-runs", machine, command, List.of("backend", "parallelism", "trigger", "batch",
                "round", "warmup", "records", "seconds", "records_per_s", "cpu_ns_per_record", "keyed_cpu_ns_per_record"), raw);
        List<List<String>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("Job window path as the job builds it (static, adaptive: pre-compaction into "
                + "per-shard bundles -> keyBy(shard) -> GlobalWindows + trigger -> list state -> window function -> group "
                + "commit through a no-op connection; builtin and adaptive-events: the events themselves), records/s mean ± "
                + "95% CI and CPU ns per record of both task threads (source chain + keyed chain; the keyed chain's alone in "
                + "brackets) over interleaved rounds, against a keyed reduce of the same events on the same backend. Command: `"
                + command + "`.\n\n| backend | p | trigger | batch | records/s | cpu ns/rec (keyed) | cpu vs batch 100 | "
                + "keyed reduce rec/s | ratio |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Summary s : summaries) {
            rows.add(List.of(s.backend(), str(s.parallelism()), s.trigger(), str(s.batch()), str(s.records()),
                    str(s.rate().n()), fmt(s.rate().mean(), 0), fmt(s.rate().ci95(), 0),
                    fmt(s.cpuNanosPerRecord().mean(), 1), fmt(s.keyedCpuNanosPerRecord().mean(), 1),
                    fmt(s.keyedReduceRate().mean(), 0),
                    fmt(s.ratioToKeyedReduce(), 3), fmt(cpuVsSmallestBatch(summaries, s), 3)));
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %,.0f ± %,.0f | %,.0f (%,.0f) | %s | %,.0f | %.2fx |%n",
                    s.backend(), s.parallelism(), s.trigger(), s.trigger().equals(REDUCE) ? "-" : str(s.batch()),
                    s.rate().mean(), s.rate().ci95(), s.cpuNanosPerRecord().mean(), s.keyedCpuNanosPerRecord().mean(),
                    s.trigger().equals(REDUCE) ? "-" : String.format(Locale.ROOT, "%.2fx", cpuVsSmallestBatch(summaries, s)),
                    s.keyedReduceRate().mean(), s.ratioToKeyedReduce()));
        }
        ResultFiles.write(dir, "job-window", machine, command, List.of("backend", "parallelism", "trigger", "batch",
                "records", "rounds", "records_per_s", "records_per_s_ci95", "cpu_ns_per_record", "keyed_cpu_ns_per_record",
                "keyed_reduce_records_per_s", "ratio_to_keyed_reduce", "cpu_ratio_to_smallest_batch"), rows);
        Files.writeString(dir.resolve("job-window.md"), md, StandardCharsets.UTF_8);
        log.println();
        log.println(md);
    }

    /** CPU per record of {@code s} divided by that of the same trigger at the smallest batch size. */
    private static double cpuVsSmallestBatch(List<Summary> all, Summary s) {
        return all.stream()
                .filter(o -> o.backend().equals(s.backend()) && o.parallelism() == s.parallelism()
                        && o.trigger().equals(s.trigger()))
                .min((a, b) -> Integer.compare(a.batch(), b.batch()))
                .map(smallest -> s.cpuNanosPerRecord().mean() / smallest.cpuNanosPerRecord().mean())
                .orElse(Double.NaN);
    }

    private static String str(long v) {
        return String.valueOf(v);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
