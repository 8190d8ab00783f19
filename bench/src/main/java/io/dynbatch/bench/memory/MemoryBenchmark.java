package io.dynbatch.bench.memory;

import io.dynbatch.bench.throughput.BenchFunctions;
import io.dynbatch.bench.throughput.Tally;
import io.dynbatch.bench.throughput.TallyAggregate;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.EventType;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.operators.StreamGroupedReduceOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Memory of the batching triggers, measured in Flink's real window operator (the one the DataStream
 * API builds, in Flink's keyed operator test harness):
 *
 * <ol>
 *   <li><b>Keyed state per key</b>: the size of a full checkpoint of the heap backend (the state
 *       values, keys, namespaces and the timers, which are keyed state too, serialized as in a
 *       canonical savepoint, which is the same for every backend) with {@code K2} keys minus one with
 *       {@code K1} keys, divided by {@code K2 - K1}, so fixed metadata cancels out. (RocksDB keeps
 *       the same serialized keys and values in its LSM tree; its files' size depends on compression,
 *       compaction and tombstones, not on the trigger.) "pending": every
 *       key holds an unflushed batch of 2 events (its timers armed); "after flush": every key has
 *       flushed once and holds nothing pending. A window whose trigger keeps no state (never fires)
 *       gives the window contents alone (the count aggregate's accumulator), to subtract.
 *   <li><b>Heap with 1M pending events</b>: live heap (after full GCs) of the heap state backend
 *       holding 1,000,000 unflushed events over 4 keys, with the job's window contents (the raw
 *       events in list state) and with the compacting aggregate the job had before ({@link
 *       CompactingAggregate}: counts and run-length ingest times per row).
 * </ol>
 */
public final class MemoryBenchmark {

    /** Keyed-state bytes per key of one variant and backend. */
    public record StateRow(String variant, String backend, String situation, double bytesPerKey) {}

    /** Heap of 1M pending events. */
    public record HeapRow(String variant, String contents, long events, double heapMb, double bytesPerEvent) {}

    /** What to measure. */
    public record Settings(int keysLow, int keysHigh, long pendingEvents) {
        public static Settings full() {
            return new Settings(200, 5_200, 1_000_000);
        }

        public static Settings quick() {
            return new Settings(20, 220, 20_000);
        }
    }

    private static final KeySelector<ClickEvent, Integer> BY_USER = e -> (int) e.userId;
    /** The trigger batch size in the state measurement: 2 events stay pending, the 3rd flushes. */
    private static final int SMALL_BATCH = 3;

    private final PrintStream log;

    public MemoryBenchmark(PrintStream log) {
        this.log = log;
    }

    public List<StateRow> statePerKey(Settings s) throws Exception {
        List<StateRow> rows = new ArrayList<>();
        for (String backend : List.of("hashmap")) {
            double contents = perKey(backend, null, s, 2);
            rows.add(new StateRow("window contents only (count accumulator)", backend, "pending", contents));
            for (TriggerVariant v : List.of(TriggerVariant.BUILTIN, TriggerVariant.STATIC, TriggerVariant.ADAPTIVE)) {
                double pending = perKey(backend, v, s, SMALL_BATCH - 1) - contents;
                double flushed = perKey(backend, v, s, SMALL_BATCH);
                rows.add(new StateRow(v.label(), backend, "pending", pending));
                rows.add(new StateRow(v.label(), backend, "after flush", flushed));
                log.printf(Locale.ROOT, "  %-8s %-12s trigger state: %6.1f B/key pending, %6.1f B/key after a flush%n",
                        backend, v.label(), pending, flushed);
            }
            rows.add(new StateRow(TriggerVariant.REDUCE.label(), backend, "value per key", reducePerKey(backend, s)));
        }
        return rows;
    }

    /** Bytes per key of the window operator's keyed-state snapshot, every key fed {@code events} events. */
    private double perKey(String backend, TriggerVariant v, Settings s, int events) throws Exception {
        long low = snapshotBytes(backend, v, s.keysLow(), events);
        long high = snapshotBytes(backend, v, s.keysHigh(), events);
        return (double) (high - low) / (s.keysHigh() - s.keysLow());
    }

    @SuppressWarnings("unchecked")
    private static long snapshotBytes(String backend, TriggerVariant v, int keys, int eventsPerKey) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        WindowedStream<ClickEvent, Integer, GlobalWindow> w = env.fromData(event(0, 0)).keyBy(BY_USER).window(GlobalWindows.create());
        w = v == null ? w.trigger(new NoStateTrigger()) : w.trigger(v.trigger(SMALL_BATCH));
        DataStream<Tally> out = w.aggregate(new TallyAggregate());
        var t = (OneInputTransformation<ClickEvent, Tally>) out.getTransformation();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), BY_USER, Types.INT)) {
            h.setStateBackend(stateBackend(backend));
            h.open();
            h.setProcessingTime(1_000_000L);
            for (int k = 0; k < keys; k++) {
                for (int i = 0; i < eventsPerKey; i++) {
                    h.processElement(new StreamRecord<>(event(k, i), 1_000_000L));
                }
            }
            OperatorSubtaskState snapshot = h.snapshot(1L, 1_000_000L);
            long bytes = 0;
            for (KeyedStateHandle handle : snapshot.getManagedKeyedState()) {
                bytes += handle.getStateSize();
            }
            return bytes;
        }
    }

    private double reducePerKey(String backend, Settings s) throws Exception {
        long[] sizes = new long[2];
        int[] keys = {s.keysLow(), s.keysHigh()};
        for (int j = 0; j < 2; j++) {
            var op = new StreamGroupedReduceOperator<>(new BenchFunctions.CountingReduce(),
                    TypeInformation.of(ClickEvent.class).createSerializer(new SerializerConfigImpl()));
            try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, BY_USER, Types.INT)) {
                h.setStateBackend(stateBackend(backend));
                h.open();
                for (int k = 0; k < keys[j]; k++) {
                    h.processElement(new StreamRecord<>(event(k, 0), 1_000_000L));
                }
                for (KeyedStateHandle handle : h.snapshot(1L, 1L).getManagedKeyedState()) {
                    sizes[j] += handle.getStateSize();
                }
            }
        }
        return (double) (sizes[1] - sizes[0]) / (keys[1] - keys[0]);
    }

    /** Heap of {@code s.pendingEvents()} unflushed events, per trigger, for both kinds of contents. */
    @SuppressWarnings("unchecked")
    public List<HeapRow> heapOfPending(Settings s) throws Exception {
        List<HeapRow> rows = new ArrayList<>();
        long baseline = liveHeap();
        for (String contents : List.of("compacting aggregate (earlier)", "raw events (list state, job)")) {
            for (TriggerVariant v : List.of(TriggerVariant.BUILTIN, TriggerVariant.STATIC, TriggerVariant.ADAPTIVE)) {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                int cap = (int) Math.min(Integer.MAX_VALUE, 2 * s.pendingEvents());
                WindowedStream<ClickEvent, Integer, GlobalWindow> w = env.fromData(event(0, 0))
                        .keyBy(BY_SHARD).window(GlobalWindows.create()).trigger(v.trigger(cap));
                DataStream<?> out = contents.startsWith("compacting")
                        ? w.aggregate(new CompactingAggregate())
                        : w.process(new CountEvents());
                var t = (OneInputTransformation<ClickEvent, Object>) out.getTransformation();
                long before = settle(baseline);
                long after;
                try (var h = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), BY_SHARD, Types.INT)) {
                    h.setStateBackend(new HashMapStateBackend());
                    h.open();
                    h.setProcessingTime(1_000_000L);
                    before = Math.max(before, liveHeap());
                    for (long i = 0; i < s.pendingEvents(); i++) {
                        h.processElement(new StreamRecord<>(pendingEvent(i), 1_000_000L + i / 20));
                    }
                    after = liveHeap();
                    if (!h.extractOutputValues().isEmpty()) {
                        throw new IllegalStateException(v + " flushed during the heap measurement");
                    }
                }
                double mb = (after - before) / 1e6;
                rows.add(new HeapRow(v.label(), contents, s.pendingEvents(), mb, (double) (after - before) / s.pendingEvents()));
                log.printf(Locale.ROOT, "  %-24s %-10s %,d pending events: %8.1f MB heap (%.0f B/event)%n",
                        contents, v.label(), s.pendingEvents(), mb, (double) (after - before) / s.pendingEvents());
            }
        }
        return rows;
    }

    private static final KeySelector<ClickEvent, Integer> BY_SHARD = e -> (int) (e.eventId % 4);

    private static ClickEvent event(int key, int i) {
        return new ClickEvent(i, "/p/" + i, "view", key, 1_000_000L);
    }

    /** A fresh event as deserialization would make it (own strings), over 250 pages x 4 types. */
    private static ClickEvent pendingEvent(long i) {
        EventType[] types = EventType.values();
        return new ClickEvent(i, new String("/p/" + (i / types.length) % 250), new String(types[(int) (i % types.length)].wireName()),
                1000 + i % 10_000, 1_000_000L + i / 20);
    }

    /**
     * The live heap once what an earlier measurement left behind is gone: a closed harness is
     * released a moment after it closes (its threads finish asynchronously), so collect until the
     * heap is back near {@code baseline}, for at most 5 s.
     */
    private static long settle(long baseline) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long heap = liveHeap();
        while (heap > baseline + (4 << 20) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000L);
            heap = liveHeap();
        }
        return heap;
    }

    private static long liveHeap() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static StateBackend stateBackend(String name) {
        // full (not incremental) snapshots: the key/value stream, comparable with the heap backend's
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend(false) : new HashMapStateBackend();
    }

    /** Keeps no state and never fires: the window contents alone. */
    static final class NoStateTrigger extends Trigger<Object, GlobalWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public TriggerResult onElement(Object element, long timestamp, GlobalWindow window, TriggerContext ctx) {
            return TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onProcessingTime(long time, GlobalWindow window, TriggerContext ctx) {
            return TriggerResult.CONTINUE;
        }

        @Override
        public TriggerResult onEventTime(long time, GlobalWindow window, TriggerContext ctx) {
            return TriggerResult.CONTINUE;
        }

        @Override
        public void clear(GlobalWindow window, TriggerContext ctx) {}
    }

    /** A window function over the raw events (so the window keeps them in list state). */
    static final class CountEvents extends ProcessWindowFunction<ClickEvent, Long, Integer, GlobalWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Integer key, Context context, Iterable<ClickEvent> elements, Collector<Long> out) {
            long n = 0;
            for (ClickEvent ignored : elements) {
                n++;
            }
            out.collect(n);
        }
    }
}
