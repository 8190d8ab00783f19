package io.dynbatch.bench;

import io.dynbatch.bench.throughput.ThroughputBenchmark;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.bench.write.WritePathBenchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks are not run by the test command; this runs each of them once at a tiny size
 * ({@code --quick}: a few seconds) and checks that every one produces its result rows and files.
 * The write path needs the PostgreSQL at 127.0.0.1:5432; without it that part reports itself
 * skipped (and this test checks it says so).
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkProducesResultRows(@TempDir Path out) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchMain.Outcome o = BenchMain.run(new String[] {"--quick", "--out", out.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8));

        // throughput: every variant on both backends, every run saw all its events (checked inside)
        for (String backend : new String[] {"hashmap", "rocksdb"}) {
            for (TriggerVariant v : TriggerVariant.values()) {
                assertThat(o.throughput()).as(backend + " " + v)
                        .anySatisfy(s -> {
                            assertThat(s.backend()).isEqualTo(backend);
                            assertThat(s.variant()).isEqualTo(v);
                            assertThat(s.rate().mean()).isPositive();
                            assertThat(s.cpuNanosPerRecord().mean()).isPositive();
                        });
            }
        }
        assertThat(o.throughput()).filteredOn(s -> s.variant() == TriggerVariant.STATIC)
                .allSatisfy(s -> assertThat(s.ratioToBuiltin().mean()).isPositive());

        if (o.databaseSkipped()) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("[write path] skipped");
        } else {
            for (WritePathBenchmark.Method m : WritePathBenchmark.Method.values()) {
                assertThat(o.write()).as(m.label())
                        .anySatisfy(s -> {
                            assertThat(s.method()).isEqualTo(m);
                            assertThat(s.rowsPerSecond().mean()).isPositive();
                            assertThat(s.millisPer1kRows().mean()).isPositive();
                        });
            }
            assertThat(Files.readString(out.resolve("write-path.csv"))).contains("job-writer-unnest", "copy");
        }

        assertThat(o.state()).extracting(r -> r.variant()).contains("builtin", "static", "adaptive", "keyed-reduce");
        assertThat(o.heap()).hasSize(6);
        // job-window: the job's own window path, every trigger and the keyed reduce on both backends
        String jobWindow = Files.readString(out.resolve("job-window.csv"));
        assertThat(jobWindow).startsWith("backend,parallelism,trigger,batch,records,rounds,records_per_s,");
        assertThat(jobWindow).contains("keyed_reduce_records_per_s", "rocksdb,1,adaptive,100,", "hashmap,1,builtin,100,",
                "rocksdb,1,static,100,", "rocksdb,1,adaptive-events,100,", "rocksdb,1,keyed-reduce,0,");
        assertThat(out.resolve("job-window-runs.csv")).exists();
        assertThat(out.resolve("throughput.csv")).exists();
        assertThat(out.resolve("throughput.json")).exists();
        assertThat(out.resolve("state-per-key.csv")).exists();
        assertThat(out.resolve("heap-pending.csv")).exists();
        assertThat(Files.readString(out.resolve("throughput.json"))).contains("\"machine\"", "\"flink\": \"2.2.1\"");
        assertThat(Files.readString(out.resolve("summary-quick.md"))).contains("| hashmap | 1 | 100 |");
    }

    @Test
    void quickSettingsStayTiny() {
        ThroughputBenchmark.Settings s = ThroughputBenchmark.Settings.quick(java.util.List.of("hashmap"));
        assertThat(s.minRecords()).isLessThanOrEqualTo(20_000);
        assertThat(s.rounds()).isEqualTo(1);
        assertThat(s.warmups()).isZero();
    }
}
