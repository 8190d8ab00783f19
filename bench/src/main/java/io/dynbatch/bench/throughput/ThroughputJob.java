package io.dynbatch.bench.throughput;

import io.dynbatch.job.batch.ShardKeySelector;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * One throughput run: {@code records} sequence numbers -> click events (pool) -> keyBy(shard) ->
 * GlobalWindows + trigger -> count aggregate -> discarding sink, or the keyed reduce instead of the
 * window. Timestamps are the wall clock at the source (the adaptive trigger's ingest time).
 */
public final class ThroughputJob {

    /** Shards (keys): 2 per subtask at parallelism 2, as the job's default (2 x parallelism). */
    public static final int SHARDS = 4;
    /** Distinct pages in the event pool (x 4 event types). */
    public static final int PAGES = 250;

    private ThroughputJob() {}

    /** What one run measured. */
    public record Result(long records, long eventsAtEnd, double seconds, long keyedTaskCpuNanos, long sourceTaskCpuNanos) {
        public double recordsPerSecond() {
            return records / seconds;
        }

        /** CPU nanoseconds of the keyed task per record. */
        public double cpuNanosPerRecord() {
            return (double) keyedTaskCpuNanos / records;
        }

        /** CPU nanoseconds of both tasks (source chain and keyed chain) per record. */
        public double taskCpuNanosPerRecord() {
            return (double) (keyedTaskCpuNanos + sourceTaskCpuNanos) / records;
        }
    }

    public static Result run(StreamExecutionEnvironment env, TriggerVariant variant, int batchSize, long records)
            throws Exception {
        ShardKeys shardKeys = new ShardKeys(SHARDS, env.getMaxParallelism());
        ShardKeySelector byShard = new ShardKeySelector(shardKeys);
        DataStream<ClickEvent> events = clickEvents(env, records, batchSize, shardKeys);
        KeyedStream<ClickEvent, Integer> keyed = events.keyBy(byShard);
        if (variant.windowed()) {
            keyed.window(GlobalWindows.create())
                    .trigger(variant.trigger(batchSize))
                    .aggregate(new TallyAggregate()).name("window-" + variant.label())
                    .map(new BenchFunctions.MarkEnd<Tally>(true)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            keyed.reduce(new BenchFunctions.CountingReduce()).name("keyed-reduce")
                    .map(new BenchFunctions.MarkEnd<ClickEvent>(false)).name("mark-end")
                    .sinkTo(new DiscardingSink<>()).name("discard");
        }
        return timed(env.execute("throughput " + variant.label() + " n=" + batchSize), records);
    }

    /**
     * {@code records} sequence numbers as click events from the pool, timestamped with the wall clock
     * at the source; {@code records} must be whole batches of {@code batchSize} for every shard.
     */
    public static DataStream<ClickEvent> clickEvents(StreamExecutionEnvironment env, long records, int batchSize,
            ShardKeys shardKeys) {
        if (records % ((long) SHARDS * Math.max(1, batchSize)) != 0) {
            throw new IllegalArgumentException("records must be a multiple of shards x batch size");
        }
        return env
                .fromSource(new NumberSequenceSource(0, records - 1),
                        WatermarkStrategy.<Long>noWatermarks().withTimestampAssigner((n, ts) -> System.currentTimeMillis()),
                        "sequence")
                .map(new BenchFunctions.ToClickEvent(PAGES, shardKeys)).name("to-click-event");
    }

    /** What a run ending in {@link BenchFunctions.MarkEnd} measured, from its accumulators. */
    public static Result timed(JobExecutionResult result, long records) {
        Long start = result.getAccumulatorResult(BenchFunctions.START);
        Long end = result.getAccumulatorResult(BenchFunctions.END);
        Long counted = result.getAccumulatorResult(BenchFunctions.EVENTS);
        Long cpu = result.getAccumulatorResult(BenchFunctions.CPU);
        Long sourceCpu = result.getAccumulatorResult(BenchFunctions.SOURCE_CPU);
        if (start == null || end == null || counted == null || end <= start) {
            throw new IllegalStateException("run produced no timing: start=" + start + " end=" + end + " events=" + counted);
        }
        return new Result(records, counted, (end - start) / 1e9, cpu == null ? 0 : cpu, sourceCpu == null ? 0 : sourceCpu);
    }

    /** The class of keyed state the environment's backend creates (to check the backend took effect). */
    public static String keyedStateClass(StreamExecutionEnvironment env) throws Exception {
        env.fromSource(new NumberSequenceSource(0, 9), WatermarkStrategy.noWatermarks(), "probe")
                .keyBy(n -> n % 2)
                .process(new BackendProbe())
                .sinkTo(new DiscardingSink<>());
        List<String> classes = env.execute("backend probe").getAccumulatorResult(BackendProbe.NAME);
        return classes == null || classes.isEmpty() ? "unknown" : classes.get(0);
    }

    private static final class BackendProbe extends KeyedProcessFunction<Long, Long, Long> {
        private static final long serialVersionUID = 1L;
        static final String NAME = "bench.stateClass";
        private transient ValueState<Long> state;
        private transient ListAccumulator<String> classes;
        private transient boolean reported;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("probe", Long.class));
            classes = new ListAccumulator<>();
            getRuntimeContext().addAccumulator(NAME, classes);
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            state.update(value);
            if (!reported) {
                reported = true;
                classes.add(state.getClass().getName());
            }
        }
    }
}
