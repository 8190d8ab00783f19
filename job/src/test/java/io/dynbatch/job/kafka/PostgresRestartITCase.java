package io.dynbatch.job.kafka;

import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.model.RowKey;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static io.dynbatch.job.kafka.Conditions.quietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL is stopped and restarted while the job writes, for longer than a checkpoint interval:
 * the writer retries behind its circuit breaker (the job backpressures; the checkpoint barrier
 * waits behind the blocked batch), and the totals still end exactly equal to the truth, no good
 * event is dead-lettered and a concurrent reader never sees a total go down.
 */
class PostgresRestartITCase {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @TempDir
    Path dataDirectory;

    @Test
    void totalsStayExactWhenTheDatabaseIsDownDuringCheckpoints(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        RestartablePostgres postgres = RestartablePostgres.start(dataDirectory);
        String url = postgres.url();
        DatabaseSettings database = new DatabaseSettings(url, "postgres", null, "restart_totals");
        KafkaClickstream kafka = KafkaClickstream.create(PARTITIONS, "restart_dead", "--events", "24000",
                "--duration", "6s", "--pages", "80", "--batch-size", "400", "--batch-delay", "200ms");
        ClickstreamGenerator generator = kafka.generator;

        JobClient job = kafka.startJob(database);
        FlinkRest rest = new FlinkRest(cluster);
        long checkpointsAtStop;
        long checkpointsAtRestart;
        long downMillis;
        try (MonotonicTotalsWatcher watcher = new MonotonicTotalsWatcher(url, database.totalsTable());
                KafkaLoadGenerator load = kafka.producer()) {
            CompletableFuture<Void> producing = KafkaJobRun.playInBackground(load, generator);

            awaitCondition("rows committed before the restart", Duration.ofSeconds(60),
                    () -> postgres.sumQuietly(database.totalsTable()) > 0);
            long ackedAtStop = load.acked();
            checkpointsAtStop = rest.completedCheckpoints(job.getJobID());
            long triggeredAtStop = rest.triggeredCheckpoints(job.getJobID());
            long stoppedAt = System.nanoTime();
            postgres.stop(); // its data directory stays
            awaitCondition("traffic and a checkpoint triggered while the database is down", Duration.ofSeconds(20),
                    () -> load.acked() >= Math.min(generator.totalEvents(), ackedAtStop + 3000)
                            && quietly(() -> rest.triggeredCheckpoints(job.getJobID()) > triggeredAtStop)
                            && System.nanoTime() - stoppedAt > 1_500_000_000L);
            checkpointsAtRestart = rest.completedCheckpoints(job.getJobID());
            long triggeredWhileDown = rest.triggeredCheckpoints(job.getJobID()) - triggeredAtStop;
            downMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            postgres.restart();

            producing.get(2, TimeUnit.MINUTES);
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
            assertThat(watcher.decreases()).as("totals a reader saw go down").isEmpty();
            System.out.printf("PostgreSQL down for %d ms (checkpoint interval 500 ms); checkpoints triggered while "
                    + "down: %d, completed: %d; reader polls %d, decreases %d%n", downMillis, triggeredWhileDown,
                    checkpointsAtRestart - checkpointsAtStop,
                    watcher.polls(), watcher.decreases().size());
        }
        try {
            try (Connection c = postgres.connect()) {
                Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
                System.out.printf("Database restart: produced %d, database total %d%n", generator.totalEvents(),
                        inDatabase.values().stream().mapToLong(Long::longValue).sum());
                assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());
                assertThat(DeadLetterQueries.eventsByReason(c, kafka.deadLetterTable)).as("dead letters").isEmpty();
            }
        } finally {
            postgres.close();
        }
    }
}
