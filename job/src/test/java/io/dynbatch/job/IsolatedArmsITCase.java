package io.dynbatch.job;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.report.ArmStats;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static io.dynbatch.job.kafka.Conditions.awaitCondition;
import static io.dynbatch.job.kafka.Conditions.quietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two arms in shadow mode (static first, adaptive second) on a MiniCluster against the real
 * PostgreSQL, the generator playing a compressed day of 15,000 events over 13 s; while traffic
 * flows, a second connection holds {@code LOCK TABLE <static arm's table> IN ACCESS EXCLUSIVE MODE}
 * for 10 s, so the static arm's commit waits in the database and its arm is back-pressured.
 *
 * <ul>
 *   <li>Isolated arms (the default): the adaptive arm keeps committing through the lock (its table
 *       grows, its receipts' commit times fall inside it, it never pauses for as long as the SLO), its
 *       p99 over the whole run stays within the 2-s SLO, and both arms' tables end equal to the
 *       generated truth, row for row.
 *   <li>One shared input chain ({@code --ab-isolation shared}): the same lock stalls the adaptive arm
 *       too.
 *   <li>Isolated arms with aligned checkpoints (the job makes them unaligned): the adaptive arm
 *       stalls as well, where the arms' receipts meet, its receipts held back while the merge waits
 *       for the blocked arm's barrier.
 * </ul>
 *
 * The last two show that the test sees a coupling when there is one. The cluster's network buffers
 * are small (4 KB, debloated to 50 ms of throughput), so that the buffers between a blocked operator
 * and the arm it would hold back fill within the lock, not only after minutes as with the default
 * buffers at this traffic. The adaptive arm's batches wait at most 1 s ({@code --adaptive-max-delay}),
 * so its p99 is well inside the SLO when nothing holds it back: the test is about the coupling (a
 * stall of most of the lock's 10 s), not about how close the policy runs to its SLO.
 */
class IsolatedArmsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(smallNetworkBuffers())
            .build());

    private static final long SLO_MILLIS = 2_000;
    private static final Duration LOCK = Duration.ofSeconds(10);

    private static Configuration smallNetworkBuffers() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("4kb"));
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_TARGET, Duration.ofMillis(50));
        return conf;
    }

    @Test
    void aBlockedArmDoesNotHoldBackTheOtherWhenTheArmsAreIsolated() throws Exception {
        BlockedRun run = BlockedRun.execute("isolated", env -> {});
        ArmStats free = run.stats("adaptive", r -> true);
        ArmStats freeDuringLock = run.stats("adaptive", r -> r.commitTime > run.lockStart && r.commitTime < run.lockEnd);
        ArmStats blockedDuringLock = run.stats("static",
                r -> r.commitTime > run.lockStart + 1_000 && r.commitTime < run.lockEnd);
        run.print(free, freeDuringLock);

        assertThat(blockedDuringLock.batches).as("static receipts committed while its table was locked").isZero();
        assertThat(freeDuringLock.batches).as("adaptive receipts committed while the static table was locked")
                .isGreaterThanOrEqualTo(5);
        assertThat(run.freeGrowthDuringLock).as("events the adaptive table gained during the lock")
                .isGreaterThanOrEqualTo(run.eventsDueDuringLock * 3 / 4);
        assertThat(run.longestPauseDuringLock("adaptive")).as("adaptive's longest time without a commit during the"
                + " lock (ms)").isLessThan(SLO_MILLIS);
        assertThat(free.latencyPercentileMillis(99)).as("adaptive p99 over the run (ms)").isLessThanOrEqualTo(SLO_MILLIS);
        run.assertTotalsExact();
    }

    @Test
    void aBlockedArmStallsTheOtherThroughASharedInputChain() throws Exception {
        assertStalled(BlockedRun.execute("shared", env -> {}));
    }

    @Test
    void alignedCheckpointsCoupleIsolatedArmsWhereTheirReceiptsMeet() throws Exception {
        assertStalled(BlockedRun.execute("isolated", env -> env.getCheckpointConfig().enableUnalignedCheckpoints(false)));
    }

    /** The adaptive arm stood still for most of the lock, and its p99 shows it; the totals still end exact. */
    private static void assertStalled(BlockedRun run) throws Exception {
        ArmStats free = run.stats("adaptive", r -> true);
        run.print(free, run.stats("adaptive", r -> r.commitTime > run.lockStart && r.commitTime < run.lockEnd));
        assertThat(run.freeGrowthDuringLock).as("events the adaptive table gained during the lock")
                .isLessThan(run.eventsDueDuringLock / 2);
        assertThat(run.longestPauseDuringLock("adaptive")).as("adaptive's longest time without a commit during the"
                + " lock (ms)").isGreaterThan(SLO_MILLIS);
        assertThat(free.latencyPercentileMillis(99)).as("adaptive p99 over the run (ms)").isGreaterThan(SLO_MILLIS);
        run.assertTotalsExact();
    }

    /** One job with the static arm's table locked for {@link #LOCK} while traffic flows, and what it showed. */
    private static final class BlockedRun {
        final String isolation;
        final JobOptions options;
        final DatabaseSettings database;
        final ClickstreamGenerator generator;
        final String staticTable;
        final String adaptiveTable;
        final List<BatchReceipt> receipts = new ArrayList<>();
        long lockStart;
        long lockEnd;
        long freeGrowthDuringLock;
        long eventsDueDuringLock;
        boolean unaligned;

        private BlockedRun(String isolation) {
            this.isolation = isolation;
            this.database = PostgresForTests.freshSettings("iso_" + isolation);
            this.options = JobOptions.fromArgs("--parallelism", "2", "--shards", "4", "--events", "15000",
                    "--duration", "13s", "--bursts", "0", "--pages", "100", "--arms", "static,adaptive",
                    "--ab-mode", "shadow", "--ab-isolation", isolation, "--batch-size", "100000", "--batch-delay",
                    "300ms", "--slo", SLO_MILLIS + "ms", "--adaptive-max-delay", "1s", "--checkpoint-interval", "1s",
                    "--checkpoint-min-pause", "100ms", "--dead-letter-table", PostgresForTests.uniqueName("iso_dead"));
            // the first event due 8 s from now: time for the job to start, also cold, so that startup is not latency
            this.generator = DynbatchJob.generator(options, System.currentTimeMillis() + 8_000);
            this.staticTable = options.totalsTableFor(database.totalsTable(), Arm.STATIC);
            this.adaptiveTable = options.totalsTableFor(database.totalsTable(), Arm.ADAPTIVE);
        }

        /** Runs the job configured as {@code --ab-isolation isolation}, then {@code override} says. */
        static BlockedRun execute(String isolation, Consumer<StreamExecutionEnvironment> override) throws Exception {
            BlockedRun run = new BlockedRun(isolation);
            run.execute(override);
            return run;
        }

        private void execute(Consumer<StreamExecutionEnvironment> override) throws Exception {
            DynbatchJob.ensureSchema(options, database);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            DynbatchJob.configure(env, options);
            override.accept(env);
            unaligned = env.getCheckpointConfig().isUnalignedCheckpointsEnabled();
            var sinks = new ReceiptsForTests(options.deadLetterTable(), database, options.retryPolicy());
            ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database,
                    sinks);
            Queue<BatchReceipt> collected = new ConcurrentLinkedQueue<>();
            CloseableIterator<BatchReceipt> it = sinks.stream().executeAndCollect("isolated-arms-" + isolation);
            CompletableFuture<Void> collecting = CompletableFuture.runAsync(() -> it.forEachRemaining(collected::add));
            try {
                awaitCondition("both arms committing", Duration.ofSeconds(30),
                        () -> quietly(() -> PostgresForTests.sumEvents(staticTable) > 0
                                && PostgresForTests.sumEvents(adaptiveTable) > 0));
                holdLock();
                collecting.get(90, TimeUnit.SECONDS);
            } finally {
                it.close();
            }
            receipts.addAll(collected);
            for (long i = 0; i < generator.totalEvents(); i++) {
                long due = generator.dueAt(i);
                if (due > lockStart && due < lockEnd) {
                    eventsDueDuringLock++;
                }
            }
        }

        /**
         * Locks the static arm's table from another connection for {@link #LOCK}, noting how much the
         * adaptive arm's table grew meanwhile.
         */
        private void holdLock() throws Exception {
            try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE " + staticTable + " IN ACCESS EXCLUSIVE MODE");
                lockStart = System.currentTimeMillis();
                long freeAtStart = PostgresForTests.sumEvents(adaptiveTable);
                awaitCondition("the lock held for " + LOCK, LOCK.plusSeconds(30),
                        () -> System.currentTimeMillis() - lockStart >= LOCK.toMillis());
                freeGrowthDuringLock = PostgresForTests.sumEvents(adaptiveTable) - freeAtStart;
                lockEnd = System.currentTimeMillis();
                c.commit();
            }
        }

        /**
         * The longest time during the lock in which {@code arm} committed nothing: between its commits,
         * and from the lock's start to its first commit and from its last to the lock's end.
         */
        long longestPauseDuringLock(String arm) {
            List<Long> commits = new ArrayList<>();
            commits.add(lockStart);
            receipts.stream().filter(r -> r.arm.equals(arm) && r.commitTime > lockStart && r.commitTime < lockEnd)
                    .map(r -> r.commitTime).sorted().forEach(commits::add);
            commits.add(lockEnd);
            long longest = 0;
            for (int i = 1; i < commits.size(); i++) {
                longest = Math.max(longest, commits.get(i) - commits.get(i - 1));
            }
            return longest;
        }

        /** The receipts of {@code arm} that pass {@code filter}, aggregated. */
        ArmStats stats(String arm, Predicate<BatchReceipt> filter) {
            ArmStats stats = new ArmStats();
            receipts.stream().filter(r -> r.arm.equals(arm) && filter.test(r)).forEach(stats::add);
            return stats;
        }

        void print(ArmStats free, ArmStats freeDuringLock) {
            System.out.printf("%s arms (%s checkpoints), static table locked %d ms: adaptive committed %d receipts"
                    + " (%d events) and its table gained %d events during the lock (%d events due meanwhile), its"
                    + " longest pause %d ms; adaptive p99 during the lock %d ms, over the run %d ms (max %d ms);"
                    + " static p99 over the run %d ms%n", isolation, unaligned ? "unaligned" : "aligned",
                    lockEnd - lockStart, freeDuringLock.batches, freeDuringLock.events, freeGrowthDuringLock,
                    eventsDueDuringLock, longestPauseDuringLock("adaptive"), freeDuringLock.latencyPercentileMillis(99),
                    free.latencyPercentileMillis(99), free.maxLatencyMillis(),
                    stats("static", r -> true).latencyPercentileMillis(99));
        }

        /** Both arms' tables equal the generated truth row for row; their receipts count every event once. */
        void assertTotalsExact() throws Exception {
            Map<RowKey, Long> truth = generator.expectedTotals();
            try (Connection c = PostgresForTests.connect()) {
                for (String table : List.of(staticTable, adaptiveTable)) {
                    assertThat(new TotalsTable(table).readAll(c)).as(table).containsExactlyInAnyOrderEntriesOf(truth);
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + options.deadLetterTable())) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("dead letters").isZero();
                }
            }
            for (String arm : List.of("static", "adaptive")) {
                assertThat(stats(arm, r -> true).events).as("events in %s's receipts", arm)
                        .isEqualTo(generator.totalEvents());
            }
            System.out.printf("%s arms: both tables equal the truth (%d events, %d rows)%n", isolation,
                    generator.totalEvents(), truth.size());
        }
    }
}
