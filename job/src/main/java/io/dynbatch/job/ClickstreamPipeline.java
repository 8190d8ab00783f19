package io.dynbatch.job;

import io.dynbatch.job.batch.CompactRows;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.parse.ParseClickEvents;
import io.dynbatch.job.parse.RouteLateEvents;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.triggers.AdaptiveBatchTrigger;
import io.dynbatch.triggers.KeyJitter;
import io.dynbatch.triggers.StaticBatchTrigger;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;

import java.time.Duration;

/**
 * The dynbatch workflow: raw JSON clicks -> parse/validate -> ingest-time watermarks -> late
 * events out -> keyBy(shard) -> GlobalWindows + batching trigger -> compact rows -> one
 * transaction per batch -> receipts. Refused records, late events and rows the database rejected
 * all go to the one dead-letter stream, each with its reason. Sources and sinks are parameters, so tests and
 * benchmarks swap them; every operator has a name and a stable uid.
 */
public final class ClickstreamPipeline {

    /** Bounded out-of-orderness of ingest times after the (parallel) parse step. */
    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);
    static final long MAX_FUTURE_SKEW_MILLIS = 60_000;

    private ClickstreamPipeline() {}

    public static void defineWorkflow(StreamExecutionEnvironment env, Source<String, ?, ?> source, int sourceParallelism,
            JobOptions options, DatabaseSettings database, PipelineSinks sinks) {
        DataStream<String> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "clickstream-source")
                .setParallelism(sourceParallelism)
                .uid("clickstream-source");

        SingleOutputStreamOperator<ClickEvent> parsed = raw.rebalance()
                .process(new ParseClickEvents(new ClickEventParser(options.maxRecordBytes, MAX_FUTURE_SKEW_MILLIS)))
                .name("parse-validate")
                .uid("parse-validate");
        SingleOutputStreamOperator<ClickEvent> events = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ClickEvent>forBoundedOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                        .withTimestampAssigner((e, ts) -> e.ingestTime)
                        .withIdleness(SOURCE_IDLENESS))
                .name("ingest-time-watermarks")
                .uid("ingest-time-watermarks")
                .process(new RouteLateEvents(options.allowedLateness))
                .name("route-late-events")
                .uid("route-late-events");

        ShardKeys shardKeys = new ShardKeys(options.shards, options.maxParallelism);
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        String arm = options.trigger;
        boolean adaptive = arm.equals("adaptive");
        Trigger<ClickEvent, GlobalWindow> trigger = adaptive
                ? AdaptiveBatchTrigger.<ClickEvent, GlobalWindow>of(AdaptivePolicyConfig.withSlo(options.slo))
                        .withJitter(KeyJitter.upTo(options.jitter, byShard))
                        .withMetricsArm(arm)
                : StaticBatchTrigger.<ClickEvent, GlobalWindow>of(options.batchSize, options.batchDelay)
                        .withJitter(KeyJitter.upTo(options.jitter, byShard))
                        .withMetricsArm(arm);

        SingleOutputStreamOperator<BatchReceipt> receipts = events
                .keyBy(byShard)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .aggregate(new CompactRows(), new FlushToDatabase(arm, database, shardKeys, RetryPolicy.defaults(), adaptive,
                        options.allowedLateness))
                .name("batch-and-flush-" + arm)
                .uid("batch-and-flush-" + arm);
        sinks.receipts(receipts);
        sinks.deadLetters(parsed.getSideOutput(ParseClickEvents.DEAD_LETTERS)
                .union(events.getSideOutput(RouteLateEvents.LATE),
                        receipts.getSideOutput(FlushToDatabase.REJECTED_ROWS)));
    }
}
