package io.dynbatch.job.sink;

import io.dynbatch.job.Arm;
import io.dynbatch.job.ArmInput;
import io.dynbatch.job.ArmPipelines;
import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit through a crash between a group's firing and its commit: the subtask's batches have
 * left window state (fired and purged) and sit in the committer when the task dies, on the
 * committer's fifth connection use. Flink restarts from the last checkpoint, which still holds
 * those events (the committer commits before every barrier, so no checkpoint can lack both a
 * batch's events and its commit); the totals must end exactly equal to the generated truth.
 */
class GroupCommitFailoverITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    private static final long EVENTS = 30_000;
    private static final int PAGES = 40;
    private static final String[] TYPES = {"view", "click", "add_to_cart"};

    private static final AtomicInteger CONNECTION_USES = new AtomicInteger();
    private static final AtomicBoolean CRASHED = new AtomicBoolean();

    @Test
    void aTaskDyingBetweenFireAndCommitLosesNothingAndCountsNothingTwice() throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("group_failover");
        try (Connection c = PostgresForTests.connect()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
        }
        JobOptions options = JobOptions.fromArgs("--parallelism", "2", "--shards", "4", "--batch-size", "300",
                "--batch-delay", "200ms", "--commit", "group");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.setMaxParallelism(128);
        env.enableCheckpointing(100);
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        env.configure(restarts);

        DataStream<ClickEvent> events = env
                .fromSource(new NumberSequenceSource(0, EVENTS - 1), WatermarkStrategy.noWatermarks(), "sequence")
                .map(new ToEvent()).name("to-click-event");
        ShardKeys shardKeys = new ShardKeys(4, 128);
        ArmPipelines.build(Arm.STATIC, ArmInput.of(events, options, shardKeys), options, database, shardKeys,
                CrashOnFifthUse::new)
                .sinkTo(new DiscardingSink<>());
        env.execute("group commit failover");

        assertThat(CRASHED).as("the injected crash happened").isTrue();
        assertThat(CONNECTION_USES.get()).as("commits went on after the restart").isGreaterThan(5);
        try (Connection c = PostgresForTests.connect()) {
            Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
            assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(truth());
        }
    }

    /** Event {@code i}: a page and type that are a function of {@code i}, all in one minute of ingest time. */
    private static ClickEvent event(long i, long ingest) {
        return new ClickEvent(i, "/p/" + (i % PAGES), TYPES[(int) ((i / PAGES) % TYPES.length)], 1, ingest);
    }

    private static Map<RowKey, Long> truth() {
        Map<RowKey, Long> totals = new HashMap<>();
        for (long i = 0; i < EVENTS; i++) {
            totals.merge(RowKey.of(event(i, MINUTE)), 1L, Long::sum);
        }
        return totals;
    }

    private static final long MINUTE = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;

    private static final class ToEvent implements MapFunction<Long, ClickEvent> {
        @Override
        public ClickEvent map(Long i) {
            return event(i, MINUTE + (i % 60_000));
        }
    }

    /** The database's connections, except that the fifth use crashes the task (once per test JVM). */
    private static final class CrashOnFifthUse implements ResilientBatchWriter.Connections {
        private final ResilientBatchWriter.Connections database;

        CrashOnFifthUse(DatabaseSettings settings) {
            this.database = FlushToDatabase.DATABASE.open(settings);
        }

        @Override
        public Connection get() throws SQLException {
            if (CONNECTION_USES.incrementAndGet() == 5 && CRASHED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected: the task dies after its batches fired, before their commit");
            }
            return database.get();
        }

        @Override
        public void reset() {
            database.reset();
        }

        @Override
        public void suspect() {
            database.suspect();
        }
    }
}
