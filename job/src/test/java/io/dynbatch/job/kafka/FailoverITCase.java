package io.dynbatch.job.kafka;

import io.dynbatch.job.Arm;
import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static io.dynbatch.job.kafka.Conditions.quietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both the static and the adaptive arm (shadow mode) run while TaskManagers are killed mid-stream (all live ones, so the failure hits the running job wherever
 * its tasks are; fresh TaskManagers replace them). The job restarts from its last
 * checkpoint; the totals must end exactly equal to the truth, and a concurrent reader must never
 * see a total go down.
 */
class FailoverITCase {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoTaskManagers();

    private static final TaskManagerFailures TASK_MANAGERS = new TaskManagerFailures(2);

    /** On RocksDB, the deploy default: the window's list state and the row totals restored from RocksDB's checkpoints. */
    @Test
    void oneTaskManagerFailureOnRocksDb(@InjectMiniCluster MiniCluster cluster) throws Exception {
        runWithFailures(cluster, 1, "rocksdb");
    }

    @Test
    void threeFailuresInOneRun(@InjectMiniCluster MiniCluster cluster) throws Exception {
        runWithFailures(cluster, 3, "hashmap");
    }

    /** The input lasts about 8 s per failure: each kill must land mid-stream, recoveries on a busy machine take seconds. */
    private void runWithFailures(MiniCluster cluster, int failures, String stateBackend) throws Exception {
        KafkaClickstream kafka = KafkaClickstream.create(PARTITIONS, "failover_dead",
                "--events", String.valueOf(4_000 + 4_000 * failures), "--duration", (6 + 8 * failures) + "s",
                "--pages", "80", "--arms", "static,adaptive", "--ab-mode", "shadow");
        DatabaseSettings database = PostgresForTests.freshSettings("failover_totals");
        String staticTable = kafka.options.totalsTableFor(database.totalsTable(), Arm.STATIC);
        String adaptiveTable = kafka.options.totalsTableFor(database.totalsTable(), Arm.ADAPTIVE);
        ClickstreamGenerator generator = kafka.generator;
        FlinkRest rest = new FlinkRest(cluster);

        JobClient job = kafka.startJob(database, stateBackend);
        try (MonotonicTotalsWatcher watcher = new MonotonicTotalsWatcher(PostgresForTests.url(), staticTable);
                MonotonicTotalsWatcher adaptiveWatcher = new MonotonicTotalsWatcher(PostgresForTests.url(), adaptiveTable);
                KafkaLoadGenerator load = kafka.producer()) {
            CompletableFuture<Void> producing = KafkaJobRun.playInBackground(load, generator);
            for (int f = 1; f <= failures; f++) {
                long checkpointsBefore = rest.completedCheckpoints(job.getJobID());
                long committedBefore = PostgresForTests.sumEvents(staticTable);
                awaitCondition("a new checkpoint and new rows before failure " + f, Duration.ofSeconds(90),
                        () -> quietly(() -> rest.completedCheckpoints(job.getJobID()) > checkpointsBefore
                                && PostgresForTests.sumEvents(staticTable) > committedBefore));
                TASK_MANAGERS.killAll(cluster);
                long checkpointsAtKill = rest.completedCheckpoints(job.getJobID());
                int restartsNeeded = f;
                // recovered: a checkpoint completed after the kill, or (a kill near the end of the bounded
                // input) the restarted job replayed the rest and finished
                awaitCondition("recovery from failure " + f + " (a checkpoint completed after it, or the job finished)",
                        Duration.ofSeconds(90),
                        () -> quietly(() -> rest.completedCheckpoints(job.getJobID()) > checkpointsAtKill
                                || (job.getJobExecutionResult().isDone()
                                        && TaskManagerFailures.restartsSoFar(cluster, job.getJobID()) >= restartsNeeded)));
            }
            long restarts = TaskManagerFailures.restartsSoFar(cluster, job.getJobID());
            producing.get(2, TimeUnit.MINUTES);
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

            try (Connection c = PostgresForTests.connect()) {
                for (String table : List.of(staticTable, adaptiveTable)) {
                    var inDatabase = new TotalsTable(table).readAll(c);
                    long total = inDatabase.values().stream().mapToLong(Long::longValue).sum();
                    System.out.printf("Failover x%d (" + stateBackend + "), %s: produced %d, database total %d, restarts %d, reader polls %d, "
                            + "decreases seen %d%n", failures, table, generator.totalEvents(), total, restarts,
                            watcher.polls() + adaptiveWatcher.polls(),
                            watcher.decreases().size() + adaptiveWatcher.decreases().size());
                    assertThat(inDatabase).as(table).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());
                }
            }
            assertThat(adaptiveWatcher.decreases()).as("adaptive totals a reader saw go down").isEmpty();
            assertThat(restarts).as("restarts").isGreaterThanOrEqualTo(failures);
            assertThat(watcher.polls()).isPositive();
            assertThat(watcher.decreases()).as("totals a reader saw go down").isEmpty();
        }
    }
}
