package io.dynbatch.job;

import io.dynbatch.job.batch.BatchCompaction;
import io.dynbatch.job.batch.ShardBundle;
import io.dynbatch.job.batch.ShardBundleKeySelector;
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
import io.dynbatch.triggers.CommitRoundTrigger;
import io.dynbatch.triggers.ElementCounter;
import io.dynbatch.triggers.FlushOnRequest;
import io.dynbatch.triggers.EndOfInputTrigger;
import io.dynbatch.triggers.KeyJitter;
import io.dynbatch.triggers.StaticBatchTrigger;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
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
 * arm keeps a window's contents in list state (an O(1) append on every state backend): the events,
 * or for the static and adaptive arms of a pre-compacting job the subtasks' per-shard bundles of
 * them ({@link ArmInput}). Each fired window is compacted to rows and written in one transaction
 * (with the subtask's other shards that fired together under group commit), so arms differ only in
 * when they fire (and, for the tumbling arm, in keying by page as users do today).
 */
public final class ArmPipelines {

    /** Events a tumbling window dropped as late (normally none: the late router catches them first). */
    static final OutputTag<ClickEvent> TOO_LATE_FOR_WINDOW = new OutputTag<>("too-late-for-window") {};

    private ArmPipelines() {}

    static SingleOutputStreamOperator<BatchReceipt> build(Arm arm, ArmInput input, JobOptions options,
            DatabaseSettings database, ShardKeys shardKeys) {
        return build(arm, input, options, database, shardKeys, FlushToDatabase.DATABASE);
    }

    /**
     * The arm, its window function writing through {@code connections} (the benchmarks' no-op
     * connections measure the job's window path without a database). Static and adaptive arms read
     * the input's pre-compacted bundles when it has them, the others its events.
     */
    public static SingleOutputStreamOperator<BatchReceipt> build(Arm arm, ArmInput input, JobOptions options,
            DatabaseSettings database, ShardKeys shardKeys, FlushToDatabase.ConnectionSource connections) {
        String name = "batch-and-flush-" + arm.label();
        if (arm.kind() == ArmKind.TUMBLING_1MIN) {
            return input.events()
                    .keyBy(e -> e.page)
                    .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                    .allowedLateness(options.allowedLateness())
                    .sideOutputLateData(TOO_LATE_FOR_WINDOW)
                    .trigger(PurgingTrigger.of(EventTimeTrigger.create())) // late firings carry only the late events
                    .process(new FlushToDatabase<ClickEvent, String, TimeWindow>(arm.label(), database,
                            page -> -1, options.retryPolicy(), BatchFeedback.NONE, options.allowedLateness(),
                            BatchCompaction.ofEvents()).withConnections(connections))
                    .name(name)
                    .uid(name);
        }
        if (arm.readsBundles() && input.hasBundles()) {
            ShardBundleKeySelector byShard = new ShardBundleKeySelector(shardKeys);
            return byShard(arm, input.bundles(), byShard, trigger(arm, options, byShard, ShardBundle::events),
                    BatchCompaction.ofBundles(), options, database, shardKeys, connections);
        }
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        return byShard(arm, input.events(), byShard, trigger(arm, options, byShard, ElementCounter.one()),
                BatchCompaction.ofEvents(), options, database, shardKeys, connections);
    }

    /** A shard-keyed arm over {@code elements} (events or bundles), committing as {@code --commit} says. */
    private static <IN> SingleOutputStreamOperator<BatchReceipt> byShard(Arm arm, DataStream<IN> elements,
            KeySelector<IN, Integer> byShard, Trigger<? super IN, ? super GlobalWindow> trigger,
            BatchCompaction<IN> compaction, JobOptions options, DatabaseSettings database, ShardKeys shardKeys,
            FlushToDatabase.ConnectionSource connections) {
        String name = "batch-and-flush-" + arm.label();
        if (options.commitMode() == CommitMode.GROUP) {
            String commit = "commit-" + arm.label();
            return elements
                    .keyBy(byShard)
                    .window(GlobalWindows.create())
                    .trigger(options.commitRounds() && trigger instanceof FlushOnRequest<?> ? inRounds(trigger, options) : trigger)
                    .process(new FireToCommitter<IN, Integer, GlobalWindow>(arm.label(), shardKeys::shardOfKey,
                            BatchFeedback.of(trigger), compaction))
                    .name(name)
                    .uid(name)
                    .transform(commit, TypeInformation.of(BatchReceipt.class), new GroupCommitOperator(arm.label(),
                            database, options.retryPolicy(), options.allowedLateness().toMillis(), connections))
                    .name(commit)
                    .uid(commit);
        }
        return batchByShard(elements, byShard, trigger,
                new FlushToDatabase<IN, Integer, GlobalWindow>(arm.label(), database, shardKeys::shardOfKey,
                        options.retryPolicy(), BatchFeedback.of(trigger), options.allowedLateness(), compaction)
                        .withConnections(connections))
                .name(name)
                .uid(name);
    }

    /**
     * A dynbatch trigger ({@link FlushOnRequest}) with commit rounds on the commit grid ({@link
     * CommitRoundTrigger}). Flink's built-in arm has none: its timeout trigger takes every timer for
     * its own.
     */
    @SuppressWarnings("unchecked")
    private static <IN, X extends Trigger<IN, GlobalWindow> & FlushOnRequest<GlobalWindow>> Trigger<IN, GlobalWindow> inRounds(
            Trigger<? super IN, ? super GlobalWindow> trigger, JobOptions options) {
        return CommitRoundTrigger.of((X) trigger, options.commitGrid());
    }

    /**
     * The batching window of a shard-keyed arm: keyBy(shard), GlobalWindows, {@code trigger}, the
     * elements in list state, {@code flush} on every firing. The benchmarks run exactly this.
     */
    public static <IN> SingleOutputStreamOperator<BatchReceipt> batchByShard(DataStream<IN> elements,
            KeySelector<IN, Integer> byShard, Trigger<? super IN, ? super GlobalWindow> trigger,
            FlushToDatabase<IN, Integer, GlobalWindow> flush) {
        return elements
                .keyBy(byShard)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .process(flush);
    }

    /** Per-shard timers: spread by the jitter (per-shard commit), or aligned to the grid (group commit). */
    private static <IN> KeyJitter<IN> timers(JobOptions options, KeySelector<IN, ?> byShard) {
        return options.commitMode() == CommitMode.GROUP ? KeyJitter.alignedTo(options.commitGrid(), options.commitJoin())
                : KeyJitter.upTo(options.jitter(), byShard);
    }

    /** The trigger of {@code arm} over events, each one event. */
    public static Trigger<? super ClickEvent, ? super GlobalWindow> trigger(Arm arm, JobOptions options,
            ShardKeySelector byShard) {
        return trigger(arm, options, byShard, ElementCounter.one());
    }

    /**
     * The trigger of {@code arm} over elements keyed by {@code byShard}, each standing for as many
     * events as {@code counter} says (Flink's built-in trigger counts elements: events only).
     */
    public static <IN> Trigger<? super IN, ? super GlobalWindow> trigger(Arm arm, JobOptions options,
            KeySelector<IN, ?> byShard, ElementCounter<IN> counter) {
        switch (arm.kind()) {
            case ADAPTIVE:
                return AdaptiveBatchTrigger.<IN, GlobalWindow>of(options.adaptivePolicyConfig())
                        .withJitter(timers(options, byShard))
                        .withElementCounter(counter)
                        .withMetricsScope(arm.label())
                        .withFlushTarget(); // reason and plan: the window function takes them into the receipt
            case STATIC:
                return StaticBatchTrigger.<IN, GlobalWindow>of(options.batchSizeOf(arm), options.batchDelayOf(arm))
                        .withJitter(timers(options, byShard))
                        .withElementCounter(counter)
                        .withMetricsScope(arm.label())
                        .withFlushTarget(); // the reason and deadline go onto the receipt
            case BUILTIN:
                return EndOfInputTrigger.of(PurgingTrigger.of(
                        ProcessingTimeoutTrigger.of(CountTrigger.<GlobalWindow>of(options.batchSize()), options.batchDelay())))
                        .withFlushTarget(); // which of the count, the timeout or the end of input fired
            default:
                throw new IllegalArgumentException("not a GlobalWindow arm: " + arm);
        }
    }
}
