package io.dynbatch.bench.ab;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.report.ArmStats;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.report.RunSummary;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The A/B result files keep the columns and number formats the notebooks read: each line is
 * compared with the line as the benchmark formatted it before its columns were declared in
 * {@link AbResults} (the format strings below).
 */
class AbResultsTest {

    private static BatchReceipt receipt(String arm, int shard, long commitTime, long events, long latencyMillis,
            long targetSize) {
        BatchReceipt r = new BatchReceipt();
        r.arm = arm;
        r.shard = shard;
        r.batchId = arm + "-" + shard + "-7";
        r.events = events;
        r.rows = 3;
        r.statements = 1;
        r.transactions = 1;
        r.writeMillis = 11;
        r.commitTime = commitTime;
        r.oldestIngest = commitTime - latencyMillis;
        r.targetSize = targetSize;
        r.flushReason = arm.equals("adaptive") ? "latency" : "max_delay";
        r.plannedDeadline = commitTime - 5;
        r.predictedWriteMillis = arm.equals("adaptive") ? 12.3456 : Double.NaN;
        Histogram h = new Histogram(3);
        h.recordValueWithCount(latencyMillis, events);
        r.latencyHistogram = BatchReceipt.encodeLatency(h);
        return r;
    }

    @Test
    void filesKeepTheirColumnsAndFormats(@TempDir Path out) throws Exception {
        List<BatchReceipt> receipts = List.of(receipt("static", 0, 1_000, 1_000, 500, -1),
                receipt("static", 1, 12_000, 1_000, 3_000, -1), receipt("adaptive", 2, 1_500, 2_000, 900, 4_321));
        RunSummary summary = new RunSummary(10_000, AbBenchmark.SLO_MILLIS, CostModel.defaults());
        AbResults results = new AbResults();
        List<String> batches = new ArrayList<>();
        for (BatchReceipt r : receipts) {
            summary.add(r);
            results.batch("S1_diurnal", r);
            batches.add(String.join(",", "S1_diurnal", r.arm, String.valueOf(r.shard), r.batchId,
                    String.valueOf(r.commitTime), String.valueOf(r.events), String.valueOf(r.rows),
                    String.valueOf(r.statements), String.valueOf(r.writeMillis), String.valueOf(r.oldestIngest),
                    r.targetSize >= 0 ? String.valueOf(r.targetSize) : "",
                    // the columns added at the end: reason, planned size, deadline, predicted write
                    r.flushReason, r.targetSize >= 0 ? String.valueOf(r.targetSize) : "",
                    String.valueOf(r.plannedDeadline), r.arm.equals("adaptive") ? "12.35" : ""));
        }
        Map<String, Long> tuples = Map.of("static", 6L, "adaptive", 3L);
        results.scenario("S1_diurnal", summary, tuples, 42, 123_456);
        results.write(out, new AbEnvironment("PostgreSQL test", "rocksdb", "/dev/shm/dynbatch-ab-rocksdb", "tmpfs", true,
                "4", "group", List.of("static_5000_1500ms")));

        List<String> summaryRows = new ArrayList<>();
        List<String> intervalRows = new ArrayList<>();
        List<String> cdfRows = new ArrayList<>();
        for (Map.Entry<String, ArmStats> e : summary.arms().entrySet()) {
            ArmStats s = e.getValue();
            long[] slo = summary.sloIntervals(e.getKey());
            summaryRows.add(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d",
                    "S1_diurnal", e.getKey(), s.events, s.batches, s.transactions, s.rows, s.dbMillis,
                    s.dbMillisPer1kEvents(), s.costPer1kEvents(CostModel.defaults()), s.latencyPercentileMillis(50),
                    s.latencyPercentileMillis(95), s.latencyPercentileMillis(99), s.maxLatencyMillis(),
                    AbBenchmark.SLO_MILLIS, slo[1], slo[0], 42L, tuples.get(e.getKey()), 123_456L));
            for (double pct : AbResults.percentiles()) {
                cdfRows.add(String.format(Locale.ROOT, "%s,%s,%s,%d", "S1_diurnal", e.getKey(), pct,
                        s.latencyPercentileMillis(pct)));
            }
            for (Map.Entry<Long, ArmStats> i : summary.intervals().get(e.getKey()).entrySet()) {
                ArmStats is = i.getValue();
                intervalRows.add(String.format(Locale.ROOT, "%s,%s,%d,10,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%d,%d,%s,%.1f",
                        "S1_diurnal", e.getKey(), i.getKey(), is.events, is.batches, is.transactions, is.rows,
                        is.dbMillis, is.dbMillisPer1kEvents(), is.costPer1kEvents(CostModel.defaults()),
                        is.latencyPercentileMillis(50), is.latencyPercentileMillis(95), is.latencyPercentileMillis(99),
                        is.maxLatencyMillis(), AbBenchmark.SLO_MILLIS, is.meetsSlo(AbBenchmark.SLO_MILLIS),
                        is.latency.getTotalCount() == 0 ? 0.0 : is.latency.getMean()));
            }
        }
        assertThat(Files.readAllLines(out.resolve("ab_summary.csv"))).containsExactlyElementsOf(with(
                "scenario,arm,events,batches,transactions,rows,db_ms,db_ms_per_1k,cost_per_1k,p50_ms,p95_ms,p99_ms,"
                        + "max_ms,slo_ms,intervals,intervals_slo_met,pg_xact_commit,pg_tuples_written,pg_wal_bytes",
                summaryRows));
        assertThat(Files.readAllLines(out.resolve("ab_intervals.csv"))).containsExactlyElementsOf(with(
                "scenario,arm,interval_start_ms,interval_s,events,batches,transactions,rows,db_ms,db_ms_per_1k,"
                        + "cost_per_1k,p50_ms,p95_ms,p99_ms,max_ms,slo_ms,slo_met,mean_ms", intervalRows));
        assertThat(Files.readAllLines(out.resolve("ab_batches.csv"))).containsExactlyElementsOf(with(
                "scenario,arm,shard,batch_id,commit_time_ms,events,rows,statements,write_ms,oldest_ingest_ms,"
                        + "target_size,reason,planned_size,planned_deadline_ms,predicted_write_ms", batches));
        assertThat(Files.readAllLines(out.resolve("ab_latency_cdf.csv"))).containsExactlyElementsOf(with(
                "scenario,arm,percentile,latency_ms", cdfRows));
        assertThat(Files.readAllLines(out.resolve("ab_traffic.csv"))).containsExactly("scenario,second,events");
        assertThat(Files.readString(out.resolve("ab_table.txt"))).isEqualTo(results.printed())
                .contains("S1_diurnal (SLO p99 <= 2000 ms").contains("adaptive");
        assertThat(Files.readString(out.resolve("environment.json"))).contains("\"postgresql\": \"PostgreSQL test\"",
                "\"state_backend\": \"rocksdb\"", "\"rocksdb_local_dir\": \"/dev/shm/dynbatch-ab-rocksdb\"",
                "\"rocksdb_local_dir_fs\": \"tmpfs\"", "\"arms_isolated\": true", "\"static_grid\": [\"static_5000_1500ms\"]");
        // static: one interval missed; adaptive met its one interval
        assertThat(Files.readAllLines(out.resolve("ab_static_choice.csv"))).containsExactly(
                "scenario,criterion,cheapest_static_met,static_transactions,adaptive_transactions,adaptive_ratio,"
                        + "adaptive_met",
                "S1_diurnal,all_intervals,,,1,,true",
                "ALL,every_scenario,,,1,,true");
        assertThat(results.printed()).contains("Cheapest static setting that met the SLO");
        assertThat(cdfRows).hasSize(2 * 104).contains("S1_diurnal,adaptive,99.5,900");
        assertThat(intervalRows).hasSize(3);
    }

    private static List<String> with(String header, List<String> rows) {
        List<String> lines = new ArrayList<>(List.of(header));
        lines.addAll(rows);
        return lines;
    }

    /** Intervals 10 s apart whose p99 latencies are {@code millis}. */
    private static java.util.TreeMap<Long, ArmStats> intervals(long... millis) {
        java.util.TreeMap<Long, ArmStats> intervals = new java.util.TreeMap<>();
        for (int i = 0; i < millis.length; i++) {
            ArmStats s = new ArmStats();
            s.latency.recordValue(millis[i]);
            intervals.put(1_000_000L + i * 10_000L, s);
        }
        return intervals;
    }

    @Test
    void recoveryCountsOnlyWhenItHoldsFromTheMiddleOfTheRunOn() {
        // misses until the middle interval (index 2 of 5), then meets: recovered by the midpoint
        assertThat(AbResults.recoveredByMidpoint(intervals(9_000, 5_000, 1_500, 1_800, 900), 2_000)).isTrue();
        assertThat(AbResults.recoveredAt(intervals(9_000, 5_000, 1_500, 1_800, 900), 2_000)).isEqualTo("20 s");
        // only the last interval meets: late, not recovered (a nearly empty last interval cannot carry it)
        assertThat(AbResults.recoveredByMidpoint(intervals(9_000, 5_000, 2_100, 2_200, 900), 2_000)).isFalse();
        assertThat(AbResults.recoveredAt(intervals(9_000, 5_000, 2_100, 2_200, 900), 2_000)).isEqualTo("40 s late");
        // the last interval misses: never
        assertThat(AbResults.recoveredByMidpoint(intervals(900, 900, 900, 900, 2_100), 2_000)).isFalse();
        assertThat(AbResults.recoveredAt(intervals(900, 900, 900, 900, 2_100), 2_000)).isEqualTo("never");
        // met throughout
        assertThat(AbResults.recoveredAt(intervals(900, 900), 2_000)).isEqualTo("0 s");
    }

    @Test
    void rocksDbDirDefaultsToTmpfsWhereThereIsOneAndTakesFlinksOwnOnRequest() throws Exception {
        assertThat(AbBenchmark.rocksDbDir("default")).isNull();
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm) && AbEnvironment.fileStoreOf(shm).equals("tmpfs")) {
            assertThat(AbBenchmark.rocksDbDir(null)).isEqualTo(shm.resolve("dynbatch-ab-rocksdb")).isDirectory();
        } else {
            assertThat(AbBenchmark.rocksDbDir(null)).isNull();
        }
    }
}
