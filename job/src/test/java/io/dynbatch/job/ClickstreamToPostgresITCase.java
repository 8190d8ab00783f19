package io.dynbatch.job;

import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;
import io.dynbatch.triggers.FlushReason;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a Flink MiniCluster (parallelism 2) against a real PostgreSQL, with all four A/B
 * arms: in shadow mode every arm's table must equal the generator's ground truth exactly, row for
 * row; in split mode each arm's table holds exactly the rows of its shards.
 */
class ClickstreamToPostgresITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @ParameterizedTest(name = "ab-mode={0}")
    @ValueSource(strings = {"shadow", "split"})
    void everyArmsTotalsEqualGroundTruthRowForRow(String abMode) throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("it_totals");
        String deadLetterTable = PostgresForTests.uniqueName("it_dead");
        String batchLogTable = PostgresForTests.uniqueName("it_batch_log");
        JobOptions options = JobOptions.fromArgs("--parallelism", "2", "--shards", "4", "--events", "40000",
                "--duration", "6s", "--bursts", "2", "--pages", "300", "--batch-size", "700", "--batch-delay", "300ms",
                "--jitter", "50ms", "--dead-letter-table", deadLetterTable, "--slo", "1s",
                "--arms", "tumbling_1min,builtin,static,adaptive", "--ab-mode", abMode, "--batch-log-table", batchLogTable);
        DynbatchJob.ensureSchema(options, database);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(options.parallelism());
        env.setMaxParallelism(options.maxParallelism());
        env.enableCheckpointing(1000);
        ClickstreamGenerator generator = DynbatchJob.generator(options, System.currentTimeMillis() + 1000);

        var sinks = new ReceiptsForTests(deadLetterTable, database, options.retryPolicy());
        ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database, sinks);
        List<BatchReceipt> receipts = sinks.runToEnd("it");

        Map<RowKey, Long> truth = generator.expectedTotals();
        ShardKeys shardKeys = new ShardKeys(options.shards(), options.maxParallelism());
        try (Connection c = PostgresForTests.connect()) {
            for (int a = 0; a < options.activeArms().size(); a++) {
                Arm arm = options.activeArms().get(a);
                Map<RowKey, Long> expected = abMode.equals("shadow") ? truth : rowsOfArm(truth, shardKeys, a, 4);
                Map<RowKey, Long> inDatabase = new TotalsTable(options.totalsTableFor(database.totalsTable(), arm)).readAll(c);
                assertThat(inDatabase).as("arm %s", arm.label()).containsExactlyInAnyOrderEntriesOf(expected);
                long armEvents = receipts.stream().filter(r -> r.arm.equals(arm.label())).mapToLong(r -> r.events).sum();
                assertThat(armEvents).as("events in %s's receipts", arm.label())
                        .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
            }
            assertThat(countRows(c, deadLetterTable)).as("dead letters").isZero();
            assertBatchLogHasOneRowPerReceipt(c, batchLogTable, receipts);
        }
        // group commit: a group's one statement and transaction are on its first receipt, 0 on the others
        assertThat(receipts).allSatisfy(r -> assertThat(r.statements).isBetween(0, 1));
        assertThat(receipts).allSatisfy(r -> assertThat(r.transactions).isEqualTo(r.statements));
        long grouped = receipts.stream().filter(r -> !r.arm.equals("tumbling_1min") && r.transactions == 0).count();
        System.out.printf("Group commit: %d of %d shard-arm receipts shared another batch's transaction%n", grouped,
                receipts.stream().filter(r -> !r.arm.equals("tumbling_1min")).count());
        assertThat(receipts.stream().map(r -> r.arm).distinct())
                .containsExactlyInAnyOrder("tumbling_1min", "builtin", "static", "adaptive");
        assertThat(receipts.stream().filter(r -> r.arm.equals("static")).count())
                .as("many batches, not one per shard").isGreaterThan(8);
        // the adaptive trigger's planned size reaches its receipts; the other arms plan none
        assertThat(receipts).allSatisfy(r -> assertThat(r.targetSize)
                .as("%s's planned size", r.arm)
                .satisfies(t -> assertThat(r.arm.equals("adaptive") ? t >= 1 : t == -1).isTrue()));
    }

    /**
     * {@code --batch-log-table}: one row per receipt, keyed by batch id, with the receipt's reason and
     * plan; the static, adaptive and built-in arms say why every batch flushed (the built-in one with
     * the deadline of a timeout only), the tumbling windows do not.
     */
    private static void assertBatchLogHasOneRowPerReceipt(Connection c, String table, List<BatchReceipt> receipts)
            throws Exception {
        Map<String, BatchReceipt> byId = new HashMap<>();
        receipts.forEach(r -> assertThat(byId.put(r.batchId, r)).as("batch id %s", r.batchId).isNull());
        Set<String> labels = new HashSet<>();
        for (FlushReason reason : FlushReason.values()) {
            labels.add(reason.label());
        }
        Map<String, Map<String, Integer>> reasonsByArm = new TreeMap<>();
        int rows = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT arm, shard, batch_id, events,"
                + " rows, transactions, write_ms, predicted_write_ms, planned_size, planned_deadline, reason,"
                + " oldest_ingest, commit_time, p99_ms FROM " + table)) {
            while (rs.next()) {
                rows++;
                BatchReceipt r = byId.get(rs.getString("batch_id"));
                assertThat(r).as("row %s has a receipt", rs.getString("batch_id")).isNotNull();
                assertThat(rs.getString("arm")).isEqualTo(r.arm);
                assertThat(rs.getInt("shard")).isEqualTo(r.shard);
                assertThat(rs.getLong("events")).isEqualTo(r.events);
                assertThat(rs.getInt("rows")).isEqualTo(r.rows);
                assertThat(rs.getInt("transactions")).isEqualTo(r.transactions);
                assertThat(rs.getLong("write_ms")).isEqualTo(r.writeMillis);
                assertThat(rs.getTimestamp("commit_time").getTime()).isEqualTo(r.commitTime);
                assertThat(rs.getTimestamp("oldest_ingest").getTime()).isEqualTo(r.oldestIngest);
                assertThat(rs.getLong("p99_ms")).isEqualTo(r.decodeLatency().getValueAtPercentile(99));
                String reason = rs.getString("reason");
                assertThat(reason).isEqualTo(r.flushReason);
                reasonsByArm.computeIfAbsent(r.arm, a -> new TreeMap<>()).merge(String.valueOf(reason), 1, Integer::sum);
                boolean says = !r.arm.equals("tumbling_1min");
                assertThat(reason == null).as("%s says why %s flushed", r.arm, r.batchId).isEqualTo(!says);
                if (says) {
                    assertThat(labels).contains(reason);
                }
                if (r.arm.equals("static") || r.arm.equals("adaptive")
                        || (r.arm.equals("builtin") && reason.equals(FlushReason.MAX_DELAY.label()))) {
                    assertThat(rs.getTimestamp("planned_deadline")).as("%s's planned deadline", r.arm).isNotNull();
                }
                boolean plans = r.arm.equals("adaptive");
                rs.getLong("planned_size");
                assertThat(rs.wasNull()).as("%s's planned size is null", r.arm).isEqualTo(!plans);
                double predicted = rs.getDouble("predicted_write_ms");
                assertThat(rs.wasNull()).as("%s's predicted write is null", r.arm).isEqualTo(!plans);
                if (plans) {
                    assertThat(rs.getLong("planned_size")).isEqualTo(r.targetSize).isPositive();
                    assertThat(predicted).isEqualTo(r.predictedWriteMillis);
                }
            }
        }
        assertThat(rows).as("one batch log row per receipt").isEqualTo(receipts.size());
        System.out.println("Flush reasons by arm: " + reasonsByArm);
    }

    /** The rows whose shard the split mode gives to arm {@code index} of {@code arms}. */
    private static Map<RowKey, Long> rowsOfArm(Map<RowKey, Long> truth, ShardKeys shardKeys, int index, int arms) {
        Map<RowKey, Long> rows = new HashMap<>();
        truth.forEach((row, n) -> {
            if (shardKeys.shardOf(new ClickEvent(0, row.page, row.eventType, 0, row.minute)) % arms == index) {
                rows.put(row, n);
            }
        });
        return rows;
    }

    private static long countRows(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
