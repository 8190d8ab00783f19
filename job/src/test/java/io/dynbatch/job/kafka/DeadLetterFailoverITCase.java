package io.dynbatch.job.kafka;

import io.dynbatch.job.Arm;
import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static io.dynbatch.job.kafka.Conditions.quietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead letters are exact through a failover. Bad records of every kind and late events are
 * interleaved with good events (static and adaptive arms, shadow mode); every TaskManager is killed
 * once dead letters have been recorded for records after the last completed checkpoint, so the
 * restored job replays those records and dead-letters them again. Then, event for event: each arm's
 * totals equal the good events, the dead-letter table holds exactly one row per bad record (by
 * reason), and produced = written + dead-lettered.
 */
class DeadLetterFailoverITCase {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoTaskManagers();

    private static final TaskManagerFailures TASK_MANAGERS = new TaskManagerFailures(2);

    @Test
    void everyBadRecordIsDeadLetteredOnceThroughAFailover(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // Checkpoints every 3 s leave time to fail between dead letters and the next checkpoint. The
        // traffic lasts 24 s so that, should a checkpoint slip in before the kill, a later attempt still
        // sees new dead letters (replayed ones add no rows: they are recorded once).
        KafkaClickstream kafka = KafkaClickstream.create(PARTITIONS, "dlq_failover_dead", "--events", "16000",
                "--duration", "24s", "--pages", "80", "--arms", "static,adaptive", "--ab-mode", "shadow",
                "--checkpoint-interval", "3s");
        DatabaseSettings database = PostgresForTests.freshSettings("dlq_failover_totals");
        ClickstreamGenerator generator = kafka.generator;
        // From event 2,000 on (watermarks are well established, so the late events are late), one in 40.
        InterleavedBadRecords bad = new InterleavedBadRecords(generator.totalEvents(), 2_000, 40);
        long produced = generator.totalEvents() + bad.count();

        JobClient job = KafkaJobRun.start(kafka.options, database, kafka.endOffsets(produced));
        long replayed;
        long restarts;
        try (KafkaLoadGenerator load = kafka.producer()) {
            CompletableFuture<Void> producing = KafkaJobRun.playInBackground(load, generator, bad::after);
            replayed = failWithDeadLettersBeyondTheLastCheckpoint(cluster, job.getJobID(), kafka.deadLetterTable);
            restarts = TaskManagerFailures.restartsSoFar(cluster, job.getJobID());
            producing.get(2, TimeUnit.MINUTES);
        }
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        try (Connection c = PostgresForTests.connect()) {
            Map<String, Long> rowsByReason = DeadLetterQueries.rowsByReason(c, kafka.deadLetterTable);
            long deadLettered = DeadLetterQueries.eventsByReason(c, kafka.deadLetterTable).values().stream()
                    .mapToLong(Long::longValue).sum();
            long idsUsed = idsUsed(c, kafka.deadLetterTable);
            System.out.printf("Dead letters through a failover: %d bad records sent, %d rows, %d recorded after the "
                    + "restored checkpoint before the kill, %d inserts skipped as duplicates or rolled back, "
                    + "restarts %d%n", bad.count(), deadLettered, replayed, idsUsed - deadLettered, restarts);
            assertThat(rowsByReason).as("one row per bad record, by reason").isEqualTo(bad.expectedByReason());
            assertThat(distinctKeys(c, kafka.deadLetterTable)).as("every row keyed, keys unique").isEqualTo(deadLettered);
            for (Arm arm : List.of(Arm.STATIC, Arm.ADAPTIVE)) {
                String table = kafka.options.totalsTableFor(database.totalsTable(), arm);
                var inDatabase = new TotalsTable(table).readAll(c);
                assertThat(inDatabase).as(table).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());
                long written = inDatabase.values().stream().mapToLong(Long::longValue).sum();
                assertThat(written + deadLettered).as("produced = written + dead-lettered, " + arm.label())
                        .isEqualTo(produced);
            }
            assertThat(idsUsed - deadLettered).as("the replay inserted those dead letters again (ids used)")
                    .isGreaterThanOrEqualTo(replayed);
        }
        assertThat(restarts).as("restarts").isPositive();
        assertThat(replayed).isPositive();
    }

    /**
     * Waits until dead letters have been recorded after the latest completed checkpoint, kills every
     * TaskManager and checks that the job restored from that very checkpoint (else, when one completed
     * in between, tries again). Returns how many dead-letter rows were recorded after the restored
     * checkpoint: their records are replayed, so the restored job dead-letters them again.
     */
    private static long failWithDeadLettersBeyondTheLastCheckpoint(MiniCluster cluster, JobID job, String deadLetters)
            throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            long[] checkpoint = {-1}; // the latest completed checkpoint when rowsAtCheckpoint was read
            long[] rowsAtCheckpoint = {0};
            long[] rowsAtKill = {0};
            awaitCondition("dead letters recorded after a completed checkpoint", Duration.ofSeconds(90),
                    () -> quietly(() -> {
                        long latest = latestCompletedCheckpoint(TaskManagerFailures.checkpoints(cluster, job));
                        long rows = rowCount(deadLetters);
                        if (latest != checkpoint[0]) {
                            checkpoint[0] = latest;
                            rowsAtCheckpoint[0] = rows;
                            return false;
                        }
                        rowsAtKill[0] = rows;
                        return latest > 0 && rows > rowsAtCheckpoint[0];
                    }));
            long killedAt = System.currentTimeMillis();
            TASK_MANAGERS.killAll(cluster);
            RestoredCheckpointStats[] restored = {null};
            awaitCondition("the job restored after the kill", Duration.ofSeconds(90), () -> quietly(() -> {
                restored[0] = TaskManagerFailures.checkpoints(cluster, job).getLatestRestoredCheckpoint();
                return restored[0] != null && restored[0].getRestoreTimestamp() >= killedAt;
            }));
            if (restored[0].getCheckpointId() == checkpoint[0]) {
                return rowsAtKill[0] - rowsAtCheckpoint[0];
            }
            System.out.printf("Checkpoint %d completed between the check and the kill (restored from %d); again%n",
                    restored[0].getCheckpointId(), checkpoint[0]);
        }
        throw new AssertionError("could not fail the job between dead letters and the next checkpoint in 3 attempts");
    }

    private static long latestCompletedCheckpoint(CheckpointStatsSnapshot stats) {
        var latest = stats.getHistory().getLatestCompletedCheckpoint();
        return latest == null ? 0 : latest.getCheckpointId();
    }

    private static long rowCount(String table) throws SQLException {
        try (Connection c = PostgresForTests.connect()) {
            return single(c, "SELECT count(*) FROM " + table);
        }
    }

    private static long distinctKeys(Connection c, String table) throws SQLException {
        return single(c, "SELECT count(DISTINCT dedupe_key) FROM " + table);
    }

    /**
     * Ids the table's sequence handed out: one per insert attempted, also for an insert skipped by
     * {@code ON CONFLICT DO NOTHING} or rolled back, so beyond the row count they show the duplicates.
     */
    private static long idsUsed(Connection c, String table) throws SQLException {
        return single(c, "SELECT last_value FROM " + single(c, "SELECT pg_get_serial_sequence('" + table + "', 'id')",
                String.class));
    }

    private static long single(Connection c, String sql) throws SQLException {
        return single(c, sql, Long.class);
    }

    private static <T> T single(Connection c, String sql, Class<T> type) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, type);
        }
    }
}
