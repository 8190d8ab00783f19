package io.dynbatch.bench.throughput;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.EventType;

import io.dynbatch.job.batch.ShardKeys;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.common.functions.RichMapFunction;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/** The functions of a throughput run, and the accumulators that time it. */
public final class BenchFunctions {

    /** nanoTime of the first record mapped by any source subtask (the start of the measured interval). */
    public static final String START = "bench.startNanos";
    /** nanoTime of the last record that reached the end of the pipeline on any subtask. */
    public static final String END = "bench.endNanos";
    /** Events that reached the end of the pipeline (sum of batch counts; must equal the input). */
    public static final String EVENTS = "bench.events";
    /**
     * CPU time of the keyed (window or reduce) task threads, summed over subtasks: from opening to
     * closing the chain, so deserialization + window + trigger + aggregate, not deployment. Unlike
     * wall time it hardly moves when other processes compete for the cores.
     */
    public static final String CPU = "bench.keyedTaskCpuNanos";
    /**
     * CPU time of the source task threads (sequence source, event mapping and whatever the job chains
     * to them: the pre-compaction, the serialization onto the network), summed over subtasks.
     */
    public static final String SOURCE_CPU = "bench.sourceTaskCpuNanos";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private BenchFunctions() {}

    /** Events over {@code pages} pages x 4 types, as many per shard, event i in shard i mod shards. */
    static ClickEvent[] pool(int pages, ShardKeys shardKeys, long ingestTime) {
        EventType[] types = EventType.values();
        int shards = shardKeys.shards();
        List<List<ClickEvent>> byShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < pages * types.length; i++) {
            ClickEvent e = new ClickEvent(i, "/p/" + (i / types.length), types[i % types.length].wireName(), 1000 + i, ingestTime);
            byShard.get(shardKeys.shardOf(e)).add(e);
        }
        int perShard = byShard.stream().mapToInt(List::size).min().orElse(0);
        if (perShard == 0) {
            throw new IllegalArgumentException("some shard has no event among " + pages + " pages");
        }
        ClickEvent[] pool = new ClickEvent[perShard * shards];
        for (int j = 0; j < perShard; j++) {
            for (int s = 0; s < shards; s++) {
                pool[j * shards + s] = byShard.get(s).get(j);
            }
        }
        return pool;
    }

    /**
     * Turns sequence number {@code i} into a click event from a pre-built pool, so the source costs
     * next to nothing. The pool holds the same number of events (distinct pages x event types) for
     * every shard, interleaved, so event {@code i} belongs to shard {@code i mod shards}: an input of
     * {@code k * shards * batchSize} events is {@code k} full batches per key, and every variant
     * (also the built-in trigger, which drops a partial batch at end of input) emits every event.
     * The event crosses the network after {@code keyBy}, so sharing pool objects is safe.
     */
    public static final class ToClickEvent extends RichMapFunction<Long, ClickEvent> {
        private static final long serialVersionUID = 1L;
        private final int pages;
        private final ShardKeys shardKeys;
        private transient ClickEvent[] pool;
        private transient LongMinimum start;
        private transient boolean started;
        private transient LongCounter cpu;
        private transient long cpuAtOpen;

        public ToClickEvent(int pages, ShardKeys shardKeys) {
            this.pages = pages;
            this.shardKeys = shardKeys;
        }

        @Override
        public void open(OpenContext openContext) {
            pool = pool(pages, shardKeys, System.currentTimeMillis());
            start = new LongMinimum();
            getRuntimeContext().addAccumulator(START, start);
            cpu = new LongCounter();
            getRuntimeContext().addAccumulator(SOURCE_CPU, cpu);
            cpuAtOpen = THREADS.getCurrentThreadCpuTime();
        }

        @Override
        public void close() {
            cpu.add(THREADS.getCurrentThreadCpuTime() - cpuAtOpen);
        }

        @Override
        public ClickEvent map(Long i) {
            if (!started) {
                started = true;
                start.add(System.nanoTime());
            }
            return pool[(int) (i % pool.length)];
        }
    }

    /** The end of every pipeline: counts events and notes when the last one arrived. */
    public static final class MarkEnd<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;

        /** How many events one record at the end stands for. */
        @FunctionalInterface
        public interface EventsOf<T> extends java.io.Serializable {
            long of(T record);
        }

        private final EventsOf<T> eventsOf;
        private transient LongCounter events;
        private transient LongMaximum end;
        private transient LongCounter cpu;
        private transient long cpuAtOpen;
        private transient long count;
        private transient long lastNanos;

        /** @param tallies the input is {@link Tally} (count its events) rather than one record per event */
        @SuppressWarnings("unchecked")
        public MarkEnd(boolean tallies) {
            this(tallies ? r -> ((Tally) r).events : r -> 1L);
        }

        public MarkEnd(EventsOf<T> eventsOf) {
            this.eventsOf = eventsOf;
        }

        @Override
        public void open(OpenContext openContext) {
            events = new LongCounter();
            end = new LongMaximum();
            getRuntimeContext().addAccumulator(EVENTS, events);
            getRuntimeContext().addAccumulator(END, end);
            cpu = new LongCounter();
            getRuntimeContext().addAccumulator(CPU, cpu);
            cpuAtOpen = THREADS.getCurrentThreadCpuTime();
        }

        @Override
        public T map(T value) {
            count += eventsOf.of(value);
            lastNanos = System.nanoTime();
            return value;
        }

        @Override
        public void close() {
            cpu.add(THREADS.getCurrentThreadCpuTime() - cpuAtOpen);
            events.add(count);
            if (lastNanos != 0) {
                end.add(lastNanos);
            }
        }
    }

    /**
     * The upper bound's keyed reduce: one event per key, the newest ingest time so far (a new object
     * per record, as a reduce over immutable values would make).
     */
    public static final class CountingReduce implements ReduceFunction<ClickEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public ClickEvent reduce(ClickEvent acc, ClickEvent e) {
            return new ClickEvent(e.eventId, e.page, e.eventType, e.userId, Math.max(acc.ingestTime, e.ingestTime));
        }
    }
}
