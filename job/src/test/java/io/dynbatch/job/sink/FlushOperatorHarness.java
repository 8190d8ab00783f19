package io.dynbatch.job.sink;

import io.dynbatch.job.batch.BatchCompaction;
import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.triggers.BatchFeedback;
import io.dynbatch.triggers.StaticBatchTrigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;

/**
 * One shard's batch-and-flush operator in an operator test harness: Flink's real window operator
 * (GlobalWindows, a static trigger that flushes 100 ms of processing time after a batch's first
 * event, list window contents) and {@link FlushToDatabase} (arm {@code static}, 1 min allowed
 * lateness) writing to a real PostgreSQL. The harness drives event and processing time.
 */
final class FlushOperatorHarness {

    private FlushOperatorHarness() {}

    /** An opened harness writing to {@code database}'s totals table (which must exist). */
    static KeyedOneInputStreamOperatorTestHarness<Integer, ClickEvent, BatchReceipt> open(DatabaseSettings database)
            throws Exception {
        ShardKeys oneShard = new ShardKeys(1, 128);
        var harness = create(oneShard, flush(database, oneShard), 1, 0);
        harness.open();
        return harness;
    }

    /** The job's window function of arm {@code static} for {@code keys}, writing to {@code database}. */
    static FlushToDatabase<ClickEvent, Integer, GlobalWindow> flush(DatabaseSettings database, ShardKeys keys) {
        return new FlushToDatabase<>("static", database, keys::shardOfKey, RetryPolicy.defaults(), BatchFeedback.NONE,
                Duration.ofMinutes(1), BatchCompaction.ofEvents());
    }

    /**
     * A harness (not yet initialized: restore it with {@code initializeState} or {@code open} it) of
     * subtask {@code subtask} of {@code parallelism}, with {@code keys}' max parallelism, running
     * {@code windowFunction} on the batching window.
     */
    @SuppressWarnings("unchecked")
    static KeyedOneInputStreamOperatorTestHarness<Integer, ClickEvent, BatchReceipt> create(ShardKeys keys,
            ProcessWindowFunction<ClickEvent, BatchReceipt, Integer, GlobalWindow> windowFunction, int parallelism,
            int subtask) throws Exception {
        ShardKeySelector byShard = new ShardKeySelector(keys);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<BatchReceipt> receipts = env.fromData(new ClickEvent(0, "/p/0", "view", 0, 0))
                .keyBy(byShard)
                .window(GlobalWindows.create())
                .trigger(StaticBatchTrigger.<ClickEvent, GlobalWindow>of(1_000_000, Duration.ofMillis(100)))
                .process(windowFunction);
        var factory = ((OneInputTransformation<ClickEvent, BatchReceipt>) receipts.getTransformation())
                .getOperatorFactory();
        return new KeyedOneInputStreamOperatorTestHarness<>(factory, byShard, Types.INT, keys.maxParallelism(),
                parallelism, subtask);
    }
}
