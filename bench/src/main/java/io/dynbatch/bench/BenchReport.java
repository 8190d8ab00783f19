package io.dynbatch.bench;

import io.dynbatch.bench.memory.MemoryBenchmark;
import io.dynbatch.bench.throughput.ThroughputBenchmark;
import io.dynbatch.bench.throughput.TriggerMicroBenchmark;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.bench.write.WritePathBenchmark;
import io.dynbatch.job.report.TableFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmarks' tables: each suite's rows as CSV and JSON files ({@link ResultFiles}) and, for the
 * summary page, as Markdown.
 */
final class BenchReport {

    private final Map<String, String> machine;
    private final String command;
    private final StringBuilder md = new StringBuilder();

    BenchReport(Map<String, String> machine, String command) {
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
