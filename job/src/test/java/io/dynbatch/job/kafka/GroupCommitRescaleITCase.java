package io.dynbatch.job.kafka;

import io.dynbatch.job.state.SavepointLayoutCheck;
import io.dynbatch.job.Arm;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.KafkaClickSource;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.dynbatch.job.kafka.Conditions.quietly;
import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling out and back with the default shards (one per key group, 128) and group commit in rounds,
 * the static and adaptive arms side by side (isolated, each reading its own copy of the topic), on
 * RocksDB: the job runs at parallelism 2, is stopped with a draining savepoint (every pending batch
 * flushed first), resumes from it at parallelism 6, where every subtask writes, is stopped again,
 * and finishes at parallelism 1. Totals end exactly equal to the truth and a concurrent reader never
 * sees a total decrease.
 */
class GroupCommitRescaleITCase {

    /** The deploy default: savepoints in the canonical format, restored and rescaled on RocksDB. */
    private static final String ROCKSDB = "rocksdb";

    private static final int PARTITIONS = 4;
    /** The job's default, one shard per key group: every parallelism up to --max-parallelism writes. */
    private static final int SHARDS = JobOptions.fromArgs().shards();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(6)
            .build());

    @TempDir
    Path savepoints;

    @Test
    void stopWithSavepointThenResumeAt6ThenAt1(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // A long batch delay, so that batches are pending whenever the job is stopped.
        KafkaClickstream kafka = KafkaClickstream.create(PARTITIONS, "rescale_dead", "--events", "24000",
                "--duration", "16s", "--pages", "80", "--batch-size", "100000", "--batch-delay", "3s", "--jitter", "0ms",
                "--arms", "static,adaptive", "--ab-mode", "shadow");
        DatabaseSettings database = PostgresForTests.freshSettings("rescale_totals");
        ClickstreamGenerator generator = kafka.generator;
        Map<TopicPartition, Long> ends = kafka.endOffsets(generator.totalEvents());
        FlinkRest rest = new FlinkRest(cluster);

        String staticTable = database.totalsTable() + "_static";
        String adaptiveTable = database.totalsTable() + "_adaptive";
        try (MonotonicTotalsWatcher watcher = new MonotonicTotalsWatcher(PostgresForTests.url(), staticTable);
                MonotonicTotalsWatcher adaptiveWatcher = new MonotonicTotalsWatcher(PostgresForTests.url(), adaptiveTable);
                KafkaLoadGenerator load = kafka.producer()) {
            CompletableFuture<Void> producing = KafkaJobRun.playInBackground(load, generator);

            JobClient atTwo = KafkaJobRun.start(kafka.options("--parallelism", "2"), database, ends, null, ROCKSDB);
            String first = runThenDrain(atTwo, rest, database, kafka);
            Timestamp sixStarted = databaseNow();
            JobClient atSix = KafkaJobRun.start(kafka.options("--parallelism", "6"), database, ends, first, ROCKSDB);
            String second = runThenDrain(atSix, rest, database, kafka);
            assertThat(subtasksThatWrote(staticTable, sixStarted, 6)).as("subtasks at parallelism 6 that wrote")
                    .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
            JobClient atOne = KafkaJobRun.start(kafka.options("--parallelism", "1"), database, ends, second, ROCKSDB);

            producing.get(2, TimeUnit.MINUTES);
            // A bounded Kafka source restored from a savepoint need not finish by itself (a split that
            // was already complete is not restored), so wait for the data, then cancel.
            awaitCondition("every event committed after the second resume", Duration.ofSeconds(90),
                    () -> quietly(() -> PostgresForTests.sumEvents(staticTable) == generator.totalEvents()
                            && PostgresForTests.sumEvents(adaptiveTable) == generator.totalEvents()));
            atOne.cancel().get(30, TimeUnit.SECONDS);

            try (Connection c = PostgresForTests.connect()) {
                assertThat(DeadLetterQueries.eventsByReason(c, kafka.deadLetterTable)).as("dead letters").isEmpty();
                assertThat(new TotalsTable(adaptiveTable).readAll(c)).as("adaptive arm")
                        .containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());
                var inDatabase = new TotalsTable(staticTable).readAll(c);
                System.out.printf("Savepoint 2->6->1: produced %d, database total %d, reader polls %d, decreases %d%n",
                        generator.totalEvents(), inDatabase.values().stream().mapToLong(Long::longValue).sum(),
                        watcher.polls(), watcher.decreases().size());
                assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());
            }
            assertThat(watcher.decreases()).as("totals a reader saw go down").isEmpty();
            assertThat(adaptiveWatcher.decreases()).as("adaptive totals a reader saw go down").isEmpty();
        }
    }

    /** Lets the job commit something and checkpoint, stops it with a draining savepoint, checks the drain. */
    private String runThenDrain(JobClient job, FlinkRest rest, DatabaseSettings database, KafkaClickstream kafka)
            throws Exception {
        String staticTable = database.totalsTable() + "_static";
        long before = PostgresForTests.sumEvents(staticTable);
        awaitCondition("new rows and a checkpoint", Duration.ofSeconds(90),
                () -> quietly(() -> PostgresForTests.sumEvents(staticTable) > before && rest.completedCheckpoints(job.getJobID()) > 0));
        String savepoint = job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        // this version's own savepoints pass the layout check that flink run -s makes
        SavepointLayoutCheck.requireRestorable(savepoint, getClass().getClassLoader());
        // the static arm's own consumer group (isolated arms: <group>-static)
        long committedOffsets = committedOffsets(kafka.bootstrap, KafkaClickSource.groupFor(kafka.options, Arm.STATIC));
        long inTable = PostgresForTests.sumEvents(staticTable);
        System.out.printf("Drained stop: table holds %d events; Kafka offsets committed by the last completed "
                + "checkpoint: %d%n", inTable, committedOffsets);
        // Offsets are committed on checkpoint completion, so they may lag the savepoint; everything
        // they cover must be in the table (it was read before that checkpoint and flushed since).
        assertThat(inTable).as("events up to the committed offsets are in the table").isGreaterThanOrEqualTo(
                committedOffsets);
        return savepoint;
    }

    private static Timestamp databaseNow() throws Exception {
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** The subtasks (at {@code parallelism}) owning the shards of the rows written since {@code since}. */
    private static Set<Integer> subtasksThatWrote(String table, Timestamp since, int parallelism) throws Exception {
        ShardKeys shards = new ShardKeys(SHARDS, JobOptions.fromArgs().maxParallelism());
        Set<Integer> subtasks = new TreeSet<>();
        try (Connection c = PostgresForTests.connect();
                PreparedStatement ps = c.prepareStatement("SELECT page, event_type FROM " + table + " WHERE updated_at >= ?")) {
            ps.setTimestamp(1, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ClickEvent row = new ClickEvent(0, rs.getString(1), rs.getString(2), 0, 0);
                    subtasks.add(shards.subtaskOf(shards.shardOf(row), parallelism));
                }
            }
        }
        return subtasks;
    }

    private static long committedOffsets(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

}
