package io.dynbatch.bench.jobwindow;

import io.dynbatch.bench.throughput.BenchFunctions;
import io.dynbatch.bench.throughput.ThroughputJob;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.ArmKind;
import io.dynbatch.job.ArmPipelines;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.batch.BatchCompaction;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.triggers.AdaptiveBatchTrigger;
import io.dynbatch.triggers.BatchFeedback;
import io.dynbatch.triggers.KeyJitter;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;

import java.time.Duration;

/**
 * One run of the job's own batching path: sequence numbers -> click events (pool) -> keyBy(shard)
 * -> GlobalWindows + the job's trigger -> the events in list window state -> {@link
 * FlushToDatabase} (compaction to rows, per-row totals in keyed state, the writer, the receipt with
 * its latency histogram) writing through {@link NoOpConnections} -> discarding sink. Or, as the
 * reference, a plain keyed reduce of the same events on the same backend.
 */
final class JobWindowRun {

    private JobWindowRun() {}

    /** @param arm the trigger, or null for the keyed-reduce reference */
    static ThroughputJob.Result run(StreamExecutionEnvironment env, ArmKind arm, int batchSize, long records) throws Exception {
        ShardKeys shardKeys = new ShardKeys(ThroughputJob.SHARDS, env.getMaxParallelism());
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        DataStream<ClickEvent> events = ThroughputJob.clickEvents(env, records, batchSize, shardKeys);
        if (arm == null) {
            events.keyBy(byShard).reduce(new BenchFunctions.CountingReduce()).name("keyed-reduce")
                    .map(new BenchFunctions.MarkEnd<ClickEvent>(e -> 1L)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            DatabaseSettings nowhere = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", null, null,
                    "bench_totals");
            Trigger<? super ClickEvent, ? super GlobalWindow> trigger = trigger(arm, batchSize, byShard);
            FlushToDatabase<ClickEvent, Integer, GlobalWindow> flush = new FlushToDatabase<ClickEvent, Integer, GlobalWindow>(
                    arm.label(), nowhere, shardKeys::shardOfKey, RetryPolicy.defaults(), BatchFeedback.of(trigger),
                    Duration.ofMinutes(1), BatchCompaction.ofEvents()).withConnections(new NoOpConnections());
            ArmPipelines.batchByShard(events, byShard, trigger, flush)
                    .name("batch-and-flush-" + arm.label())
                    .map(new BenchFunctions.MarkEnd<BatchReceipt>(r -> r.events)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        }
        return ThroughputJob.timed(env.execute("job-window " + (arm == null ? "keyed-reduce" : arm.label())
                + " n=" + batchSize), records);
    }

    /**
     * The job's trigger of {@code arm} flushing at {@code batchSize} events, with a time cap longer
     * than any run (every flush is a size flush). Built-in and static are the job's own ({@link
     * ArmPipelines#trigger}); the adaptive trigger is the job's with its size cap set to the batch
     * size and SLO = maxDelay = the time cap, so it too flushes at exactly {@code batchSize}.
     */
    static Trigger<? super ClickEvent, ? super GlobalWindow> trigger(ArmKind arm, int batchSize, ShardKeySelector byShard) {
        if (arm == ArmKind.ADAPTIVE) {
            return AdaptiveBatchTrigger.<ClickEvent, GlobalWindow>of(TriggerVariant.adaptiveConfig(batchSize))
                    .withJitter(KeyJitter.upTo(Duration.ofMillis(100), byShard))
                    .withMetricsScope(arm.label())
                    .withFlushTarget();
        }
        JobOptions options = JobOptions.fromArgs("--batch-size", String.valueOf(batchSize),
                "--batch-delay", TriggerVariant.MAX_DELAY.toSeconds() + "s", "--shards", String.valueOf(ThroughputJob.SHARDS));
        return ArmPipelines.trigger(arm, options, byShard);
    }
}
