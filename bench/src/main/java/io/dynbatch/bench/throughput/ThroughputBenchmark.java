package io.dynbatch.bench.throughput;

import io.dynbatch.bench.BenchCluster;
import io.dynbatch.bench.Stats;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records/s through keyBy -> GlobalWindows -> trigger -> aggregate -> discarding sink for each trigger
 * variant, batch size, parallelism and state backend, plus the keyed reduce as the upper bound.
 *
 * <p>Method: per (backend, parallelism) group, one calibration run sizes the input so a run of the
 * built-in trigger takes about {@code targetSeconds}; every configuration of the group then runs on
 * that same input once as warm-up and {@code rounds} times measured. Rounds interleave all
 * configurations (in a rotating order), so the noise of a shared machine hits every variant alike,
 * and each round's ratio to the built-in trigger (same round, same batch size) is a paired sample:
 * the ratios' 95% intervals are narrower than those of the rates. A run is timed from the first
 * record the source maps to the last record reaching the end of the pipeline (accumulators), so
 * job deployment is not counted; each run also checks that every input event came out.
 */
public final class ThroughputBenchmark {

    /** What to measure and how long. */
    public record Settings(List<String> backends, List<Integer> parallelisms, List<Integer> batchSizes,
            List<TriggerVariant> variants, int warmups, int rounds, double targetSeconds, long minRecords, long maxRecords) {

        /** The full grid: about 5 minutes on 2 cores. */
        public static Settings full() {
            return new Settings(List.of("hashmap", "rocksdb"), List.of(1, 2), List.of(100, 1_000, 10_000),
                    List.of(TriggerVariant.values()), 1, 4, 1.2, 200_000, 20_000_000);
        }

        /** A smoke run: one tiny run of every variant, one batch size, parallelism 1. */
        public static Settings quick(List<String> backends) {
            return new Settings(backends, List.of(1), List.of(100), List.of(TriggerVariant.values()), 0, 1, 0, 20_000, 20_000);
        }
    }

    /** One measured (or warm-up) run. */
    public record Run(String backend, int parallelism, TriggerVariant variant, int batchSize, int round, boolean warmup,
            long records, double seconds, double cpuNanosPerRecord) {
        public double rate() {
            return records / seconds;
        }
    }

    /**
     * The result of one configuration over the measured rounds: records/s (wall clock), its paired
     * ratio to the built-in trigger, CPU ns per record of the keyed task, and the built-in's CPU per
     * record divided by this one's (above 1: cheaper than the built-in).
     */
    public record Summary(String backend, int parallelism, TriggerVariant variant, int batchSize, long records,
            Stats rate, Stats ratioToBuiltin, Stats cpuNanosPerRecord, Stats cpuRatioToBuiltin, double bestRatioToBuiltin) {}

    /** Inputs are multiples of this: shards x the largest batch size x 5 (full batches only). */
    static final long RECORD_QUANTUM = 200_000;

    private final BenchCluster cluster;
    private final PrintStream log;
    private final List<Run> runs = new ArrayList<>();
    private final Map<String, String> stateClasses = new LinkedHashMap<>();

    public ThroughputBenchmark(BenchCluster cluster, PrintStream log) {
        this.cluster = cluster;
        this.log = log;
    }

    public List<Run> runs() {
        return runs;
    }

    /** Backend name -> the keyed-state class a job with that backend created (checked, not assumed). */
    public Map<String, String> stateClasses() {
        return stateClasses;
    }

    public List<Summary> run(Settings s) throws Exception {
        List<Summary> summaries = new ArrayList<>();
        for (String backend : s.backends()) {
            String stateClass = ThroughputJob.keyedStateClass(cluster.environment(backend, 1));
            stateClasses.put(backend, stateClass);
            boolean rocks = stateClass.toLowerCase(Locale.ROOT).contains("rocksdb");
            if (rocks != backend.equals("rocksdb")) {
                throw new IllegalStateException("backend " + backend + " not in effect: keyed state is " + stateClass);
            }
            for (int p : s.parallelisms()) {
                summaries.addAll(runGroup(s, backend, p));
            }
        }
        return summaries;
    }

    private List<Summary> runGroup(Settings s, String backend, int p) throws Exception {
        List<Config> configs = new ArrayList<>();
        for (TriggerVariant v : s.variants()) {
            if (v.windowed()) {
                for (int n : s.batchSizes()) {
                    configs.add(new Config(v, n));
                }
            } else {
                configs.add(new Config(v, 0));
            }
        }
        long records = s.minRecords();
        if (s.targetSeconds() > 0) {
            int probeSize = s.batchSizes().contains(1_000) ? 1_000 : s.batchSizes().get(0);
            // twice: the first run of a group still pays for JIT compilation and RocksDB start-up
            Config probeConfig = new Config(TriggerVariant.BUILTIN, probeSize);
            ThroughputJob.Result probe = runOnce(backend, p, probeConfig, s.minRecords());
            probe = runOnce(backend, p, probeConfig, Math.max(s.minRecords(),
                    Math.min(s.maxRecords(), Math.round(probe.recordsPerSecond() * s.targetSeconds() / 2 / RECORD_QUANTUM) * RECORD_QUANTUM)));
            records = Math.max(s.minRecords(), Math.min(s.maxRecords(),
                    Math.round(probe.recordsPerSecond() * s.targetSeconds() / RECORD_QUANTUM) * RECORD_QUANTUM));
        }
        log.printf(Locale.ROOT, "%n[throughput] backend=%s parallelism=%d: %d records per run, %d configs x (%d warm-up + %d rounds)%n",
                backend, p, records, configs.size(), s.warmups(), s.rounds());
        long warmupRecords = Math.max(s.minRecords(), records / 2 / RECORD_QUANTUM * RECORD_QUANTUM);
        for (int w = 0; w < s.warmups(); w++) {
            for (Config c : configs) {
                ThroughputJob.Result r = runOnce(backend, p, c, warmupRecords);
                runs.add(new Run(backend, p, c.variant, c.batchSize, -1 - w, true, r.records(), r.seconds(), r.cpuNanosPerRecord()));
            }
        }
        for (int round = 0; round < s.rounds(); round++) {
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get((i + round * 3) % configs.size());
                ThroughputJob.Result r = runOnce(backend, p, c, records);
                Run run = new Run(backend, p, c.variant, c.batchSize, round, false, r.records(), r.seconds(), r.cpuNanosPerRecord());
                runs.add(run);
                log.printf(Locale.ROOT, "  round %d %-12s n=%-6d %,12.0f rec/s (%.2f s) %6.0f cpu-ns/rec%n",
                        round, c.variant.label(), c.batchSize, run.rate(), run.seconds(), run.cpuNanosPerRecord());
            }
        }
        return summarise(backend, p, configs, records, s.rounds());
    }

    private List<Summary> summarise(String backend, int p, List<Config> configs, long records, int rounds) {
        List<Summary> out = new ArrayList<>();
        for (Config c : configs) {
            double[] rates = new double[rounds];
            double[] ratios = new double[rounds];
            double[] cpu = new double[rounds];
            double[] cpuRatios = new double[rounds];
            boolean paired = c.variant.windowed() && configs.contains(new Config(TriggerVariant.BUILTIN, c.batchSize));
            for (int r = 0; r < rounds; r++) {
                Run run = find(backend, p, c.variant, c.batchSize, r);
                rates[r] = run.rate();
                cpu[r] = run.cpuNanosPerRecord();
                if (paired) {
                    Run builtin = find(backend, p, TriggerVariant.BUILTIN, c.batchSize, r);
                    ratios[r] = run.rate() / builtin.rate();
                    cpuRatios[r] = builtin.cpuNanosPerRecord() / run.cpuNanosPerRecord();
                }
            }
            // the reduce has no batch size: its ratios to each batch size's built-in are in reduceRatio
            double best = Double.NaN;
            if (paired) {
                double builtinBest = 0;
                for (int r = 0; r < rounds; r++) {
                    builtinBest = Math.max(builtinBest, find(backend, p, TriggerVariant.BUILTIN, c.batchSize, r).rate());
                }
                best = Stats.of(rates).max() / builtinBest;
            }
            out.add(new Summary(backend, p, c.variant, c.batchSize, records, Stats.of(rates),
                    paired ? Stats.of(ratios) : Stats.of(), Stats.of(cpu), paired ? Stats.of(cpuRatios) : Stats.of(), best));
        }
        return out;
    }

    /** Paired records/s ratio of the keyed reduce to the built-in trigger at {@code batchSize}. */
    public Stats reduceRatio(String backend, int p, int batchSize, int rounds) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = find(backend, p, TriggerVariant.REDUCE, 0, r).rate()
                    / find(backend, p, TriggerVariant.BUILTIN, batchSize, r).rate();
        }
        return Stats.of(ratios);
    }

    private Run find(String backend, int p, TriggerVariant v, int batchSize, int round) {
        for (Run run : runs) {
            if (!run.warmup() && run.round() == round && run.backend().equals(backend) && run.parallelism() == p
                    && run.variant() == v && run.batchSize() == batchSize) {
                return run;
            }
        }
        throw new IllegalStateException("no run " + backend + "/" + p + "/" + v + "/" + batchSize + "/" + round);
    }

    private ThroughputJob.Result runOnce(String backend, int p, Config c, long records) throws Exception {
        ThroughputJob.Result r = ThroughputJob.run(cluster.environment(backend, p), c.variant, c.batchSize, records);
        if (r.eventsAtEnd() != records) {
            throw new IllegalStateException(c + " on " + backend + ": " + r.eventsAtEnd() + " of " + records + " events came out");
        }
        return r;
    }

    private record Config(TriggerVariant variant, int batchSize) {}
}
