package io.dynbatch.job;

import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FireToCommitter;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.sink.GroupCommitOperator;
import io.dynbatch.triggers.AdaptiveBatchTrigger;
import io.dynbatch.triggers.BatchFeedback;
import io.dynbatch.triggers.EndOfInputTrigger;
import io.dynbatch.triggers.KeyJitter;
import io.dynbatch.triggers.StaticBatchTrigger;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.ProcessingTimeoutTrigger;
import org.apache.flink.streaming.api.windowing.triggers.PurgingTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * One A/B arm: how it batches the (already validated, timestamped) events and writes them. Every
 * arm keeps a window's events in list state (an O(1) append on every state backend) and writes
 * each fired window, compacted to rows, as one transaction with {@link FlushToDatabase}, so arms
 * differ only in when they fire (and, for the tumbling arm, in keying by page as users do today).
 */
public final class ArmPipelines {

    /** Events a tumbling window dropped as late (normally none: the late router catches them first). */
    static final OutputTag<ClickEvent> TOO_LATE_FOR_WINDOW = new OutputTag<>("too-late-for-window") {};

    private ArmPipelines() {}

    static SingleOutputStreamOperator<BatchReceipt> build(ArmKind arm, DataStream<ClickEvent> events,
            JobOptions options, DatabaseSettings database, ShardKeys shardKeys) {
        return build(arm, events, options, database, shardKeys, FlushToDatabase.DATABASE);
    }

    /**
     * The arm, its window function writing through {@code connections} (the benchmarks' no-op
     * connections measure the job's window path without a database).
     */
    public static SingleOutputStreamOperator<BatchReceipt> build(ArmKind arm, DataStream<ClickEvent> events,
            JobOptions options, DatabaseSettings database, ShardKeys shardKeys,
            FlushToDatabase.ConnectionSource connections) {
        String name = "batch-and-flush-" + arm.label();
        if (arm == ArmKind.TUMBLING_1MIN) {
            return events
                    .keyBy(e -> e.page)
                    .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                    .allowedLateness(options.allowedLateness())
                    .sideOutputLateData(TOO_LATE_FOR_WINDOW)
                    .trigger(PurgingTrigger.of(EventTimeTrigger.create())) // late firings carry only the late events
                    .process(new FlushToDatabase<String, TimeWindow>(arm.label(), database,
                            page -> -1, options.retryPolicy(), BatchFeedback.NONE, options.allowedLateness()).withConnections(connections))
                    .name(name)
                    .uid(name);
        }
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        Trigger<? super ClickEvent, ? super GlobalWindow> trigger = trigger(arm, options, byShard);
        if (options.commitMode() == CommitMode.GROUP) {
            String commit = "commit-" + arm.label();
            return events
                    .keyBy(byShard)
                    .window(GlobalWindows.create())
                    .trigger(trigger)
                    .process(new FireToCommitter<Integer, GlobalWindow>(arm.label(), shardKeys::shardOfKey,
                            BatchFeedback.of(trigger)))
                    .name(name)
                    .uid(name)
                    .transform(commit, TypeInformation.of(BatchReceipt.class), new GroupCommitOperator(arm.label(),
                            database, options.retryPolicy(), options.allowedLateness().toMillis(), connections))
                    .name(commit)
                    .uid(commit);
        }
        return batchByShard(events, byShard, trigger,
                new FlushToDatabase<Integer, GlobalWindow>(arm.label(), database, shardKeys::shardOfKey,
                        options.retryPolicy(), BatchFeedback.of(trigger), options.allowedLateness())
                        .withConnections(connections))
                .name(name)
                .uid(name);
    }

    /**
     * The batching window of a shard-keyed arm: keyBy(shard), GlobalWindows, {@code trigger}, the
     * events in list state, {@code flush} on every firing. The benchmarks run exactly this.
     */
    public static SingleOutputStreamOperator<BatchReceipt> batchByShard(DataStream<ClickEvent> events,
            ShardKeySelector byShard, Trigger<? super ClickEvent, ? super GlobalWindow> trigger,
            FlushToDatabase<Integer, GlobalWindow> flush) {
        return events
                .keyBy(byShard)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .process(flush);
    }

    /** Per-shard timers: spread by the jitter (per-shard commit), or aligned to the grid (group commit). */
    private static KeyJitter<ClickEvent> timers(JobOptions options, ShardKeySelector byShard) {
        return options.commitMode() == CommitMode.GROUP ? KeyJitter.alignedTo(options.commitGrid())
                : KeyJitter.upTo(options.jitter(), byShard);
    }

    public static Trigger<? super ClickEvent, ? super GlobalWindow> trigger(ArmKind arm, JobOptions options,
            ShardKeySelector byShard) {
        switch (arm) {
            case ADAPTIVE:
                return AdaptiveBatchTrigger.<ClickEvent, GlobalWindow>of(options.adaptivePolicyConfig())
                        .withJitter(timers(options, byShard))
                        .withMetricsScope(arm.label())
                        .withFlushTarget(); // FlushToDatabase takes it into the receipt
            case STATIC:
                return StaticBatchTrigger.<ClickEvent, GlobalWindow>of(options.batchSize(), options.batchDelay())
                        .withJitter(timers(options, byShard))
                        .withMetricsScope(arm.label());
            case BUILTIN:
                return EndOfInputTrigger.of(PurgingTrigger.of(
                        ProcessingTimeoutTrigger.of(CountTrigger.<GlobalWindow>of(options.batchSize()), options.batchDelay())));
            default:
                throw new IllegalArgumentException("not a GlobalWindow arm: " + arm);
        }
    }
}
