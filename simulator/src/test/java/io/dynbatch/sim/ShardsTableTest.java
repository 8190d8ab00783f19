package io.dynbatch.sim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shards table ({@code results/sim/shards.csv}): S1's traffic over 2-128 equal shards of one
 * subtask, adaptive and the main static arm, per-shard and group commit. Runs it once (16 runs,
 * about half a minute).
 */
class ShardsTableTest {

    private static List<ShardsTable.Row> rows;

    @BeforeAll
    static void runTable() {
        rows = ShardsTable.run(ShardsTable.SHARD_COUNTS, ShardsTable.DEFAULT_GROUP, 2);
        System.out.print(ShardsTable.format("Shards per subtask", rows));
    }

    private static ShardsTable.Row row(int shards, String arm, String commit) {
        return ShardsTable.find(rows, shards, arm, commit);
    }

    @Test
    void adaptiveWithGroupCommitMeetsTheSloAtEveryShardCount() {
        for (int n : ShardsTable.SHARD_COUNTS) {
            ArmResult r = row(n, "adaptive", "group").result();
            assertThat(r.p99Millis()).as(n + " shards, p99").isLessThanOrEqualTo(Scenarios.SLO_MILLIS);
            assertThat(r.meetsSlo()).as(n + " shards").isTrue();
            // measured: every minute
            assertThat(r.minutesMet()).as(n + " shards, minutes").isEqualTo(r.minutesTotal());
        }
    }

    @Test
    void withGroupCommitTransactionsDoNotGrowWithTheShards() {
        double two = row(2, "adaptive", "group").result().transactionsPer1k();
        double many = row(128, "adaptive", "group").result().transactionsPer1k();
        // measured: 0.118 at 128 shards against 0.122 at 2 (0.97x)
        assertThat(many).isLessThanOrEqualTo(1.2 * two);
        for (int n : ShardsTable.SHARD_COUNTS) {
            assertThat(row(n, "adaptive", "group").result().transactionsPer1k()).as(n + " shards")
                    .isLessThanOrEqualTo(1.2 * two);
        }
    }

    @Test
    void perShardTransactionsGrowWithTheShardsAndAdaptiveStopsMeetingTheSlo() {
        // the problem group commit solves: one transaction per shard batch
        double two = row(2, "adaptive", "shard").result().transactionsPer1k();
        assertThat(row(16, "adaptive", "shard").result().transactionsPer1k()).isGreaterThan(5 * two);
        assertThat(row(64, "adaptive", "shard").result().meetsSlo()).isFalse();
        assertThat(row(128, "adaptive", "shard").result().meetsSlo()).isFalse();
        assertThat(row(128, "static", "shard").result().transactionsPer1k()).isGreaterThan(10 * two);
        // group commit helps at 2 shards too: both shards' batches in one transaction
        assertThat(row(2, "adaptive", "group").result().transactionsPer1k()).isLessThan(0.6 * two);
    }

    @Test
    void theMainStaticArmMeetsTheSloWithTwoShardsOnly() {
        // its 1.5 s delay from a batch's first event plus S1's 1 s peak lag passes the SLO; with
        // two shards its 5000 cap fills first at the peak, with 16 or more it does not
        assertThat(row(2, "static", "shard").result().meetsSlo()).isTrue();
        assertThat(row(2, "static", "group").result().meetsSlo()).isTrue();
        for (int n : new int[] {16, 64, 128}) {
            assertThat(row(n, "static", "group").result().meetsSlo()).as(n + " shards").isFalse();
        }
    }

    @Test
    void everyRunCommitsEveryEvent() {
        for (ShardsTable.Row r : rows) {
            assertThat(r.result().events()).as(r.shards() + " " + r.arm() + " " + r.commit())
                    .isEqualTo(rows.stream().filter(x -> x.shards() == r.shards()).findFirst().orElseThrow()
                            .result().events());
        }
    }

    /**
     * The committed table is what the simulator prints today; refresh it with {@code mvn -q -pl
     * simulator -am package -DskipTests -Psim}. Numbers may differ by 1% (or 1 unit), as for
     * {@code sim-results.csv}.
     */
    @Test
    void theCommittedTableIsCurrent(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("shards.csv");
        ShardsTable.writeCsv(fresh, rows);
        assertThat(Files.readAllLines(fresh).get(0)).isEqualTo(ShardsTable.CSV_HEADER);
        assertThat(ShardsTable.CSV_HEADER.split(",")).contains("shards", "arm", "commit", "tx_per_1k", "p99_ms", "slo_met");
        CommittedResults.assertCurrent(fresh, "shards.csv");
    }

    @Test
    void theSubtasksDistinctRowsAreSplitAmongItsShards() {
        assertThat(ShardsTable.diurnal(2).sink().distinctRowsPerShard()).isEqualTo(20_000);
        assertThat(ShardsTable.diurnal(128).sink().distinctRowsPerShard()).isEqualTo(40_000.0 / 128);
        assertThat(ShardsTable.diurnal(16).shards()).isEqualTo(16);
    }
}
