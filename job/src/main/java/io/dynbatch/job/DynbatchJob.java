package io.dynbatch.job;

import io.dynbatch.job.model.ArmIntervalReport;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.report.ArmStats;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.report.RunSummary;
import io.dynbatch.job.state.SavepointLayoutCheck;
import io.dynbatch.job.sink.AbReportTable;
import io.dynbatch.job.sink.DatabaseSchema;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.DeadLetterTable;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickSources;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.ClickstreamGeneratorSource;
import io.dynbatch.job.source.EventSchedule;
import io.dynbatch.job.source.KafkaClickSource;
import io.dynbatch.job.source.TrafficProfile;

import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Entry point. With no arguments: a local MiniCluster with the Flink web UI, an embedded
 * PostgreSQL and the generator running a compressed day, with a progress line and a summary table
 * at the end. With {@code --jdbc-url} it writes to that database instead; submitted with {@code
 * flink run} it runs on that cluster.
 */
public final class DynbatchJob {

    private DynbatchJob() {}

    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dynbatch: " + e.getMessage());
            System.err.println(JobOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(JobOptions.USAGE);
            return;
        }
        EmbeddedDatabase embedded = null;
        try {
            String url = options.jdbcUrl();
            if (options.embeddedDatabase()) {
                System.out.println("Starting embedded PostgreSQL ...");
                embedded = EmbeddedDatabase.start();
                url = embedded.jdbcUrl();
            }
            DatabaseSettings database = new DatabaseSettings(url, options.jdbcUser(), options.jdbcPasswordEnv(),
                    options.table());
            System.out.println("Database: " + database);
            run(options, database);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    static void run(JobOptions options, DatabaseSettings database) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean onCluster = !(env instanceof LocalStreamEnvironment);
        if (options.dryRun() && !onCluster) {
            throw new IllegalArgumentException("--dry-run runs on a cluster (flink run): the demo reports what it wrote");
        }
        if (!options.dryRun()) {
            ensureSchema(options, database);
        }
        if (onCluster) {
            runOnCluster(env, options, database); // submitted with flink run
            return;
        }
        try (LocalCluster cluster = LocalCluster.start(options.parallelism(), options.webPorts())) {
            System.out.println("Flink web UI: http://localhost:" + cluster.restAddress().getPort());
            runAndReport(cluster.environment(), options, database);
        }
    }

    /**
     * Kafka when configured (with isolated arms one consumer group per arm), else the built-in
     * generator (a new instance of the same seeded source per input chain).
     */
    private static ClickSources sources(JobOptions options, ClickstreamGenerator generator) throws IOException {
        return options.kafkaSource() ? KafkaClickSource.sources(options)
                : ClickSources.of(() -> new ClickstreamGeneratorSource(generator));
    }

    /** Creates every arm's totals table, the dead-letter and the A/B report table (and the batch log) if absent. */
    public static void ensureSchema(JobOptions options, DatabaseSettings database) throws java.sql.SQLException {
        List<String> totals = new ArrayList<>();
        for (Arm arm : options.activeArms()) {
            totals.add(options.totalsTableFor(database.totalsTable(), arm));
        }
        DatabaseSchema.ensure(database, totals, options.deadLetterTable(), options.reportTable(),
                options.batchLogTable());
    }

    /**
     * Parallelism, key groups and checkpointing (exactly-once barriers) from the options; checkpoints
     * that time out while a writer waits out a database outage do not fail the job. With isolated
     * arms the checkpoints are unaligned: an aligned barrier would wait, where the arms' receipts and
     * dead letters meet, for the barrier of an arm whose commit is blocked, and hold back the other
     * arms' receipts meanwhile, so the block would reach them once the buffers between are full.
     */
    public static void configure(StreamExecutionEnvironment env, JobOptions options) {
        env.setParallelism(options.parallelism());
        env.setMaxParallelism(options.maxParallelism());
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        env.getCheckpointConfig().setCheckpointTimeout(options.checkpointTimeout().toMillis());
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(options.checkpointMinPause().toMillis());
        env.getCheckpointConfig().setTolerableCheckpointFailureNumber(options.tolerableCheckpointFailures());
        if (options.isolatesArms()) {
            env.getCheckpointConfig().enableUnalignedCheckpoints();
            // Unaligned from the start: a timeout would not help, since it switches only channels whose
            // barrier was sent, and a blocked arm sends none.
            env.getCheckpointConfig().setAlignedCheckpointTimeout(Duration.ZERO);
        }
    }

    /**
     * On a cluster (flink run, attached or detached) the client does not collect results: receipts
     * stay in the job (metrics; the A/B report table comes with the comparator).
     */
    private static void runOnCluster(StreamExecutionEnvironment env, JobOptions options, DatabaseSettings database)
            throws Exception {
        String restoreFrom = env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH);
        if (restoreFrom != null) { // flink run -s: refuse an unrestorable layout now, not in a restart loop
            SavepointLayoutCheck.requireRestorable(restoreFrom, DynbatchJob.class.getClassLoader());
        }
        configure(env, options);
        ClickstreamGenerator generator = generator(options, System.currentTimeMillis() + options.startDelay().toMillis());
        ClickSources sources = sources(options, generator);
        int sourceParallelism = options.kafkaSource() ? options.parallelism() : 1;
        ClickstreamPipeline.defineWorkflow(env, sources, sourceParallelism, options, database,
                new DatabaseSinks(options, database,
                        receipts -> receipts.sinkTo(new DiscardingSink<>()).name("receipts").uid("receipts")));
        env.execute("dynbatch");
    }

    static void sinkAbReports(DataStream<ArmIntervalReport> reports, JobOptions options, DatabaseSettings database) {
        reports.sinkTo(new AbReportTable(options.reportTable()).sink(database, options.retryPolicy()))
                .name("ab-report-to-db")
                .uid("ab-report-to-db");
    }

    static void sinkDeadLetters(DataStream<DeadLetter> deadLetters, JobOptions options, DatabaseSettings database) {
        deadLetters.sinkTo(new DeadLetterTable(options.deadLetterTable()).sink(database, options.retryPolicy()))
                .name("dead-letters-to-db")
                .uid("dead-letters-to-db");
    }

    private static void runAndReport(StreamExecutionEnvironment env, JobOptions options, DatabaseSettings database)
            throws Exception {
        configure(env, options);

        ClickstreamGenerator generator = generator(options, System.currentTimeMillis() + options.startDelay().toMillis());
        AtomicReference<DataStream<BatchReceipt>> collected = new AtomicReference<>();
        DatabaseSinks sinks = new DatabaseSinks(options, database, collected::set);
        ClickSources sources = sources(options, generator);
        int sourceParallelism = options.kafkaSource() ? options.parallelism() : 1;
        ClickstreamPipeline.defineWorkflow(env, sources, sourceParallelism, options, database, sinks);

        RunSummary summary = new RunSummary(options.reportInterval().toMillis(), options.slo().toMillis(), CostModel.defaults());
        ProgressLine progress = new ProgressLine(options.kafkaSource() ? -1 : generator.totalEvents(), System.currentTimeMillis());
        try (CloseableIterator<BatchReceipt> receipts = collected.get().executeAndCollect("dynbatch")) {
            while (receipts.hasNext()) {
                summary.add(receipts.next());
                progress.maybePrint(summary);
            }
        }
        progress.printFinal(summary);

        System.out.println();
        System.out.printf("A/B summary (insight latency = commit time - ingest time, per event; SLO p99 <= %d ms "
                + "per %d-s interval; cost in modelled DB-ms):%n", options.slo().toMillis(),
                options.reportInterval().toSeconds());
        System.out.print(summary.table());
        checkAgainstDatabase(options, database, summary);
        writeCsv(Path.of(options.results()), summary);
    }

    /** The generator the options describe, its first event due at {@code startMillis}. */
    public static ClickstreamGenerator generator(JobOptions options, long startMillis) {
        TrafficProfile profile = TrafficProfile.compressedDay(options.duration(), options.bursts(), options.seed());
        return new ClickstreamGenerator(new EventSchedule(profile, options.events()), startMillis, options.seed(),
                options.pages(), options.hotShare(), options.lagSwing());
    }

    private static void checkAgainstDatabase(JobOptions options, DatabaseSettings database, RunSummary summary)
            throws Exception {
        try (Connection c = DatabaseSchema.connect(database)) {
            for (Arm arm : options.activeArms()) {
                String table = options.totalsTableFor(database.totalsTable(), arm);
                long inTable = new TotalsTable(table).sumEvents(c);
                ArmStats totals = summary.arms().get(arm.label());
                long committed = totals == null ? 0 : totals.events;
                System.out.printf("Database check: sum(events) in %s = %d, events committed by arm %s = %d -> %s%n",
                        table, inTable, arm.label(), committed, inTable == committed ? "MATCH" : "MISMATCH");
            }
        }
    }

    private static void writeCsv(Path file, RunSummary summary) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, summary.csv());
        System.out.println("Results CSV: " + file.toAbsolutePath());
    }

    /** Dead letters and A/B reports to their tables; receipts to whatever the caller does with them. */
    public static final class DatabaseSinks implements PipelineSinks {
        private final JobOptions options;
        private final DatabaseSettings database;
        private final Consumer<DataStream<BatchReceipt>> receiptSink;

        public DatabaseSinks(JobOptions options, DatabaseSettings database,
                Consumer<DataStream<BatchReceipt>> receiptSink) {
            this.options = options;
            this.database = database;
            this.receiptSink = receiptSink;
        }

        @Override
        public void receipts(DataStream<BatchReceipt> receipts) {
            receiptSink.accept(receipts);
        }

        @Override
        public void deadLetters(DataStream<DeadLetter> deadLetters) {
            sinkDeadLetters(deadLetters, options, database);
        }

        @Override
        public void abReports(DataStream<ArmIntervalReport> reports) {
            sinkAbReports(reports, options, database);
        }
    }
}
