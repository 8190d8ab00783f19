package io.dynbatch.job;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSchema;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.DeadLetterTable;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a Flink MiniCluster (parallelism 2) against a real PostgreSQL: the totals in
 * the database must equal the generator's ground truth exactly, row for row.
 */
class ClickstreamToPostgresITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @ParameterizedTest(name = "trigger={0}")
    @ValueSource(strings = {"static", "adaptive"})
    void databaseTotalsEqualGroundTruthRowForRow(String trigger) throws Exception {
        DatabaseSettings database = PostgresForTests.freshSettings("it_totals");
        String deadLetterTable = PostgresForTests.uniqueName("it_dead");
        JobOptions options = JobOptions.fromArgs("--parallelism", "2", "--shards", "4", "--events", "40000",
                "--duration", "6s", "--bursts", "2", "--pages", "300", "--batch-size", "700", "--batch-delay", "300ms",
                "--jitter", "50ms", "--dead-letter-table", deadLetterTable, "--trigger", trigger, "--slo", "1s");
        DatabaseSchema.ensure(database, deadLetterTable);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(options.parallelism);
        env.setMaxParallelism(options.maxParallelism);
        env.enableCheckpointing(1000);
        ClickstreamGenerator generator = DynbatchJob.generator(options, System.currentTimeMillis() + 1000);

        List<BatchReceipt> receipts = new ArrayList<>();
        var sinks = new PipelineSinks() {
            DataStream<BatchReceipt> stream;

            @Override
            public void receipts(DataStream<BatchReceipt> r) {
                stream = r;
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> d) {
                d.sinkTo(new DeadLetterTable(deadLetterTable).sink(database.connectionOptions())).name("dlq");
            }
        };
        ClickstreamPipeline.defineWorkflow(env, new ClickstreamGeneratorSource(generator), 1, options, database, sinks);
        try (CloseableIterator<BatchReceipt> it = sinks.stream.executeAndCollect("it")) {
            it.forEachRemaining(receipts::add);
        }

        Map<RowKey, Long> truth = generator.expectedTotals();
        try (Connection c = PostgresForTests.connect()) {
            Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
            assertThat(inDatabase).hasSameSizeAs(truth);
            assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(truth);
            assertThat(countRows(c, deadLetterTable)).as("dead letters").isZero();
        }
        assertThat(receipts.stream().mapToLong(r -> r.events).sum()).isEqualTo(40_000);
        assertThat(receipts).allSatisfy(r -> assertThat(r.statements).isEqualTo(1));
        assertThat(receipts.stream().map(r -> r.shard).distinct().count()).isEqualTo(4);
        assertThat(receipts.size()).as("many batches, not one per shard").isGreaterThan(8);
        assertThat(receipts).allSatisfy(r -> assertThat(r.arm).isEqualTo(trigger));
    }

    private static long countRows(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
