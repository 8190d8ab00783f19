package io.dynbatch.job.kafka;

import io.dynbatch.job.ClickstreamPipeline;
import io.dynbatch.job.DynbatchJob;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.PipelineSinks;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.DeadLetterTable;
import io.dynbatch.job.source.ClickSources;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.KafkaClickSource;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.function.LongFunction;

/** Starts the job on the test MiniCluster, reading a topic up to known end offsets (so it ends). */
final class KafkaJobRun {

    private KafkaJobRun() {}

    /**
     * Options for a Kafka ITCase: the static arm alone (its table is the one named), the topic (also
     * the consumer group), earliest offsets, 4 shards, small batches; {@code extra} options come last
     * and win.
     */
    static JobOptions options(String bootstrap, String topic, String deadLetterTable, String... extra) {
        List<String> base = List.of("--arms", "static", "--ab-mode", "off", "--kafka-bootstrap", bootstrap, "--kafka-topic", topic,
                "--kafka-group", topic, "--kafka-starting-offsets", "earliest", "--parallelism", "2", "--shards", "4",
                "--batch-size", "500", "--batch-delay", "300ms", "--jitter", "50ms", "--checkpoint-interval", "500ms",
                "--checkpoint-min-pause", "100ms", "--dead-letter-table", deadLetterTable);
        List<String> given = List.of(extra);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < base.size(); i += 2) { // a test's own value of an option replaces the one here
            if (!given.contains(base.get(i))) {
                args.addAll(base.subList(i, i + 2));
            }
        }
        args.addAll(given);
        return JobOptions.fromArgs(args.toArray(new String[0]));
    }

    /** Plays the generator into Kafka in real time on another thread. */
    static CompletableFuture<Void> playInBackground(KafkaLoadGenerator load, ClickstreamGenerator generator) {
        return playInBackground(load, generator, index -> List.of());
    }

    /** Plays the generator into Kafka in real time on another thread, with {@code extraAfter(i)} after event i. */
    static CompletableFuture<Void> playInBackground(KafkaLoadGenerator load, ClickstreamGenerator generator,
            LongFunction<List<String>> extraAfter) {
        return CompletableFuture.runAsync(() -> {
            try {
                load.play(generator, false, extraAfter);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static JobClient start(JobOptions options, DatabaseSettings database, Map<TopicPartition, Long> endOffsets)
            throws Exception {
        return start(options, database, endOffsets, null);
    }

    /** Starts the job on the heap state backend, restoring from {@code savepoint} when it is not null. */
    static JobClient start(JobOptions options, DatabaseSettings database, Map<TopicPartition, Long> endOffsets,
            String savepoint) throws Exception {
        return start(options, database, endOffsets, savepoint, "hashmap");
    }

    /**
     * Starts the job on {@code stateBackend} ({@code hashmap} or {@code rocksdb}, the deploy
     * default), restoring from {@code savepoint} when it is not null. Restarts: fixed delay.
     */
    static JobClient start(JobOptions options, DatabaseSettings database, Map<TopicPartition, Long> endOffsets,
            String savepoint, String stateBackend) throws Exception {
        return start(options, database, endOffsets, savepoint, stateBackend, new PipelineSinks() {
            @Override
            public void receipts(DataStream<BatchReceipt> receipts) {
                receipts.sinkTo(new DiscardingSink<>()).name("receipts");
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> deadLetters) {
                deadLetters.sinkTo(new DeadLetterTable(options.deadLetterTable()).sink(database, options.retryPolicy()))
                        .name("dead-letters");
            }
        });
    }

    /**
     * Starts the job with every sink as in production (dead letters and the A/B report to their
     * tables; receipts discarded, as on a cluster).
     */
    static JobClient startWithProductionSinks(JobOptions options, DatabaseSettings database,
            Map<TopicPartition, Long> endOffsets) throws Exception {
        return start(options, database, endOffsets, null, "hashmap", new DynbatchJob.DatabaseSinks(options, database,
                receipts -> receipts.sinkTo(new DiscardingSink<>()).name("receipts").uid("receipts")));
    }

    private static JobClient start(JobOptions options, DatabaseSettings database,
            Map<TopicPartition, Long> endOffsets, String savepoint, String stateBackend, PipelineSinks sinks)
            throws Exception {
        DynbatchJob.ensureSchema(options, database);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DynbatchJob.configure(env, options);
        Configuration restarts = new Configuration();
        restarts.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restarts);
        ClickSources sources = KafkaClickSource.sources(options, b -> b.setBounded(OffsetsInitializer.offsets(endOffsets)));
        ClickstreamPipeline.defineWorkflow(env, sources, options.parallelism(), options, database, sinks);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("kafka-it");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
        }
        return env.executeAsync(graph);
    }
}
