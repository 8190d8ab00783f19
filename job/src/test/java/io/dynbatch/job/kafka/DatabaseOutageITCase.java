package io.dynbatch.job.kafka;

import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.api.common.JobID;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL (an embedded server of this test, stopped and restarted on the same data directory and
 * port) goes away for minutes while the job runs from Kafka with every sink wired as in production:
 * the totals writers, the dead-letter table and the A/B report table.
 *
 * <ul>
 *   <li>90 s, within the outage limit: the writers hold their batches and backpressure the job,
 *       checkpoints time out without failing it, and when the database returns the job finishes
 *       with no task failure, totals exact, every bad record dead-lettered once, the A/B report
 *       complete, and no reader ever seeing a total go down;
 *   <li>longer than a (short) outage limit: the tasks fail and restart, the TaskManager stays, and
 *       the job recovers by itself and ends exact.
 * </ul>
 */
class DatabaseOutageITCase {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @TempDir
    Path dataDirectory;

    @Test
    void aNinetySecondOutageIsRiddenOutWithoutATaskFailure(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // Checkpoints time out after 20 s, so several fail during the outage: they must not fail the job.
        Outage outage = new Outage(cluster, dataDirectory, "outage_dead", "--events", "24000", "--duration", "30s",
                "--checkpoint-timeout", "20s", "--report-interval", "2s");
        Run run = outage.run(Duration.ofSeconds(90));

        assertThat(run.restarts).as("restarts").isZero();
        assertThat(run.exceptions).as("task failures (job exception history)").isEmpty();
        assertThat(run.failedCheckpoints).as("checkpoints failed (timed out) during the outage").isPositive();
        assertThat(run.taskManagersAfter).as("TaskManagers").isEqualTo(run.taskManagersBefore);
        outage.assertExact();
        try (Connection c = outage.postgres.connect()) {
            List<String[]> report = DeadLetterQueries.query(c,
                    "SELECT arm, count(*), sum(events), sum(transactions) FROM " + outage.kafka.options.reportTable()
                            + " GROUP BY arm");
            assertThat(report).as("A/B report rows of the one arm").hasSize(1);
            System.out.printf("A/B report: arm %s, %s intervals, %s events, %s transactions%n", report.get(0)[0],
                    report.get(0)[1], report.get(0)[2], report.get(0)[3]);
            assertThat(report.get(0)[0]).isEqualTo("static");
            assertThat(Long.parseLong(report.get(0)[2])).as("events in the A/B report (complete)")
                    .isEqualTo(outage.kafka.generator.totalEvents());
        } finally {
            outage.postgres.close();
        }
    }

    @Test
    void anOutageBeyondTheLimitRestartsTheTasksAndTheJobRecoversExactly(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Outage outage = new Outage(cluster, dataDirectory, "outage_limit_dead", "--events", "12000", "--duration",
                "10s", "--outage-limit", "4s");
        Run run = outage.run(Duration.ofSeconds(15));

        assertThat(run.restarts).as("restarts").isPositive();
        assertThat(run.exceptions).as("task failures").isNotEmpty();
        assertThat(run.exceptions).as("failures").anyMatch(trace -> trace.contains("database still failing"))
                .noneMatch(trace -> trace.contains("Writing records to JDBC failed"));
        for (String trace : run.exceptions) {
            assertThat(trace.split("Caused by:", -1).length - 1).as("causes nested in one failure").isLessThan(10);
        }
        assertThat(run.taskManagersAfter).as("the same TaskManager, alive").isEqualTo(run.taskManagersBefore);
        try {
            outage.assertExact();
        } finally {
            outage.postgres.close();
        }
    }

    /** What a run through an outage showed. */
    private record Run(long restarts, List<String> exceptions, long failedCheckpoints, Set<String> taskManagersBefore,
            Set<String> taskManagersAfter) {}

    /**
     * One job from Kafka into the test's own PostgreSQL with bad records among the good events, and
     * the outage: the database stopped once rows are committed, for the given time, then started.
     */
    private static final class Outage {
        final MiniCluster cluster;
        final RestartablePostgres postgres;
        final DatabaseSettings database;
        final KafkaClickstream kafka;
        final InterleavedBadRecords bad;

        Outage(MiniCluster cluster, Path dataDirectory, String deadLetterPrefix, String... options) throws Exception {
            this.cluster = cluster;
            this.postgres = RestartablePostgres.start(dataDirectory);
            this.database = new DatabaseSettings(postgres.url(), "postgres", null, "outage_totals");
            String[] all = new String[options.length + 4];
            System.arraycopy(new String[] {"--pages", "80", "--batch-size", "400"}, 0, all, 0, 4);
            System.arraycopy(options, 0, all, 4, options.length);
            this.kafka = KafkaClickstream.create(PARTITIONS, deadLetterPrefix, all);
            // From event 1,000 on (watermarks established, so the late events are late), one in 50.
            this.bad = new InterleavedBadRecords(kafka.generator.totalEvents(), 1_000, 50);
        }

        Run run(Duration down) throws Exception {
            ClickstreamGenerator generator = kafka.generator;
            JobClient job = KafkaJobRun.startWithProductionSinks(kafka.options, database,
                    kafka.endOffsets(generator.totalEvents() + bad.count()));
            JobID id = job.getJobID();
            FlinkRest rest = new FlinkRest(cluster);
            Set<String> before;
            long failedWhileDown;
            try (MonotonicTotalsWatcher watcher = new MonotonicTotalsWatcher(postgres.url(), database.totalsTable());
                    KafkaLoadGenerator load = kafka.producer()) {
                CompletableFuture<Void> producing = KafkaJobRun.playInBackground(load, generator, bad::after);
                awaitCondition("rows committed before the outage", Duration.ofSeconds(60),
                        () -> postgres.sumQuietly(database.totalsTable()) > 0);
                before = rest.taskManagers();
                long failedAtStop = rest.failedCheckpoints(id);
                long stoppedAt = System.nanoTime();
                postgres.stop();
                awaitCondition("the outage lasted " + down, down.plusSeconds(30),
                        () -> System.nanoTime() - stoppedAt >= down.toNanos());
                failedWhileDown = rest.failedCheckpoints(id) - failedAtStop;
                postgres.restart();
                System.out.printf("PostgreSQL down for %d ms; checkpoints failed meanwhile %d; job %s%n",
                        (System.nanoTime() - stoppedAt) / 1_000_000, failedWhileDown, job.getJobStatus().get());

                producing.get(3, TimeUnit.MINUTES);
                job.getJobExecutionResult().get(4, TimeUnit.MINUTES);
                assertThat(watcher.decreases()).as("totals a reader saw go down").isEmpty();
                System.out.printf("Reader polls %d, decreases %d%n", watcher.polls(), watcher.decreases().size());
            }
            long restarts = TaskManagerFailures.restartsSoFar(cluster, id);
            List<String> exceptions = rest.exceptions(id);
            Set<String> after = rest.taskManagers();
            System.out.printf("Restarts %d, job exceptions %d, TaskManagers before %s after %s%n", restarts,
                    exceptions.size(), before, after);
            return new Run(restarts, exceptions, failedWhileDown, before, after);
        }

        /** Totals equal the generated truth; every bad record is dead-lettered once, by reason. */
        void assertExact() throws Exception {
            try (Connection c = postgres.connect()) {
                Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
                Map<String, Long> deadLetters = DeadLetterQueries.rowsByReason(c, kafka.deadLetterTable);
                System.out.printf("Produced %d good + %d bad; database total %d; dead letters %s%n",
                        kafka.generator.totalEvents(), bad.count(),
                        inDatabase.values().stream().mapToLong(Long::longValue).sum(), deadLetters);
                assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(kafka.generator.expectedTotals());
                assertThat(deadLetters).as("one dead letter per bad record, by reason")
                        .isEqualTo(bad.expectedByReason());
            }
        }
    }
}
