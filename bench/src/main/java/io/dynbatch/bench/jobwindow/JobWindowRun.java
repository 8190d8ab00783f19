package io.dynbatch.bench.jobwindow;

import io.dynbatch.bench.throughput.BenchFunctions;
import io.dynbatch.bench.throughput.ThroughputJob;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.Arm;
import io.dynbatch.job.ArmInput;
import io.dynbatch.job.ArmPipelines;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.sink.DatabaseSettings;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * One run of the job's own batching path, built by the job's own code ({@link ArmInput}, {@link
 * ArmPipelines#build}) with its default options except the batch size: sequence numbers -> click
 * events (pool) -> [pre-compaction into per-shard bundles, for the static and adaptive arms] ->
 * keyBy(shard) -> GlobalWindows + the arm's trigger -> list window state -> the window function ->
 * the group committer (row totals, the writer, the receipt with its latency histogram) writing
 * through {@link NoOpConnections} -> discarding sink. Or, as the reference, a plain keyed reduce of
 * the same events on the same backend.
 */
final class JobWindowRun {

    private JobWindowRun() {}

    static ThroughputJob.Result run(StreamExecutionEnvironment env, JobWindowVariant variant, int batchSize, long records)
            throws Exception {
        ShardKeys shardKeys = new ShardKeys(ThroughputJob.SHARDS, env.getMaxParallelism());
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        DataStream<ClickEvent> events = ThroughputJob.clickEvents(env, records, batchSize, shardKeys);
        if (variant.arm() == null) {
            events.keyBy(byShard).reduce(new BenchFunctions.CountingReduce()).name("keyed-reduce")
                    .map(new BenchFunctions.MarkEnd<ClickEvent>(e -> 1L)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            JobOptions options = JobOptions.fromArgs(variant.jobArgs(batchSize, ThroughputJob.SHARDS,
                    TriggerVariant.MAX_DELAY.toSeconds() + "s").toArray(new String[0]));
            DatabaseSettings nowhere = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", null, null,
                    "bench_totals");
            ArmPipelines.build(Arm.named(variant.arm()), ArmInput.of(events, options, shardKeys), options, nowhere, shardKeys,
                            new NoOpConnections())
                    .map(new BenchFunctions.MarkEnd<BatchReceipt>(r -> r.events)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        }
        return ThroughputJob.timed(env.execute("job-window " + variant.label() + " n=" + batchSize), records);
    }
}
