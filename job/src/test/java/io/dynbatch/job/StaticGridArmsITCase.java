package io.dynbatch.job;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two static grid arms and the adaptive arm in one job (MiniCluster, parallelism 2, shadow mode,
 * each arm on its own copy of the input): every arm writes its own table, {@code <table>_<label>},
 * equal to the generator's ground truth row for row, its receipts carry its label, and the grid
 * arms batch by their own settings (the one with the smaller size and shorter delay commits more
 * batches).
 */
class StaticGridArmsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @Test
    void eachGridArmWritesItsOwnTableWithExactTotals() throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("it_grid");
        String deadLetterTable = PostgresForTests.uniqueName("it_grid_dead");
        JobOptions options = JobOptions.fromArgs("--parallelism", "2", "--shards", "4", "--events", "20000",
                "--duration", "4s", "--bursts", "1", "--pages", "200", "--slo", "1s", "--jitter", "50ms",
                "--checkpoint-interval", "1s", "--dead-letter-table", deadLetterTable,
                "--arms", "static_300_200ms,static_5000_800ms,adaptive");
        Arm small = Arm.staticGrid(300, Duration.ofMillis(200));
        Arm large = Arm.staticGrid(5_000, Duration.ofMillis(800));
        assertThat(options.activeArms()).containsExactly(small, large, Arm.ADAPTIVE);
        DynbatchJob.ensureSchema(options, database);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DynbatchJob.configure(env, options); // isolated arms: unaligned checkpoints
        ClickstreamGenerator generator = DynbatchJob.generator(options, System.currentTimeMillis() + 1000);
        var sinks = new ReceiptsForTests(deadLetterTable, database, options.retryPolicy());
        ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database, sinks);
        List<BatchReceipt> receipts = sinks.runToEnd("it-grid");

        Map<RowKey, Long> truth = generator.expectedTotals();
        long events = truth.values().stream().mapToLong(Long::longValue).sum();
        try (Connection c = PostgresForTests.connect()) {
            for (Arm arm : options.activeArms()) {
                String table = options.totalsTableFor(database.totalsTable(), arm);
                assertThat(table).isEqualTo(database.totalsTable() + "_" + arm.label());
                assertThat(new TotalsTable(table).readAll(c)).as("arm %s", arm)
                        .containsExactlyInAnyOrderEntriesOf(truth);
                assertThat(receipts.stream().filter(r -> r.arm.equals(arm.label())).mapToLong(r -> r.events).sum())
                        .as("events in %s's receipts", arm).isEqualTo(events);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + deadLetterTable)) {
                rs.next();
                assertThat(rs.getLong(1)).as("dead letters").isZero();
            }
        }
        assertThat(receipts.stream().map(r -> r.arm).distinct())
                .containsExactlyInAnyOrder("static_300_200ms", "static_5000_800ms", "adaptive");
        long smallBatches = receipts.stream().filter(r -> r.arm.equals(small.label())).count();
        long largeBatches = receipts.stream().filter(r -> r.arm.equals(large.label())).count();
        System.out.printf("Grid arms: %s %d batches, %s %d batches%n", small, smallBatches, large, largeBatches);
        assertThat(smallBatches).as("300 events / 200 ms batches more often than 5,000 / 800 ms")
                .isGreaterThan(largeBatches);
    }
}
