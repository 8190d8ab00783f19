package io.dynbatch.bench.throughput;

import io.dynbatch.bench.Stats;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trigger alone: nanoseconds per element of {@code onElement} (with its flushes) on Flink's
 * {@link TriggerTestHarness} (heap state, a test clock advanced by 1 ms every 1,024 elements), one
 * key, without the window operator, network and serialization around it. The harness's clock costs
 * nothing; on a real task the built-in and the adaptive trigger also read the system clock once per
 * element, which is measured separately ({@link #clockNanos}).
 */
public final class TriggerMicroBenchmark {

    /** One variant at one batch size. */
    public record Row(TriggerVariant variant, int batchSize, Stats nanosPerElement) {}

    private TriggerMicroBenchmark() {}

    @SuppressWarnings("unchecked")
    public static List<Row> run(List<Integer> batchSizes, long elements, int rounds, PrintStream log) throws Exception {
        List<Row> rows = new ArrayList<>();
        TriggerVariant[] variants = {TriggerVariant.BUILTIN, TriggerVariant.STATIC, TriggerVariant.ADAPTIVE};
        for (int n : batchSizes) {
            double[][] ns = new double[variants.length][rounds];
            for (int round = -1; round < rounds; round++) { // round -1: warm-up
                for (int v = 0; v < variants.length; v++) {
                    Trigger<Object, GlobalWindow> trigger = (Trigger<Object, GlobalWindow>) (Trigger<?, ?>) variants[v].trigger(n);
                    TriggerTestHarness<Object, GlobalWindow> h = new TriggerTestHarness<>(trigger, new GlobalWindow.Serializer());
                    h.advanceProcessingTime(1_000);
                    StreamRecord<Object> record = new StreamRecord<>("e", 1_000L);
                    long t0 = System.nanoTime();
                    for (long i = 0; i < elements; i++) {
                        if ((i & 1023) == 0) {
                            h.advanceProcessingTime(1_000 + (i >> 10));
                        }
                        h.processElement(record, GlobalWindow.get());
                    }
                    double perElement = (double) (System.nanoTime() - t0) / elements;
                    if (round >= 0) {
                        ns[v][round] = perElement;
                    }
                }
            }
            for (int v = 0; v < variants.length; v++) {
                Stats s = Stats.of(ns[v]);
                rows.add(new Row(variants[v], n, s));
                log.printf(Locale.ROOT, "  trigger alone %-9s n=%-6d %6.1f ns/element (min %.1f)%n", variants[v].label(), n, s.mean(), s.min());
            }
        }
        return rows;
    }

    /** Nanoseconds of one {@code System.currentTimeMillis()} (what Flink's processing-time clock calls). */
    public static double clockNanos() {
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5_000_000; i++) {
                sink += System.currentTimeMillis();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 5e6);
        }
        return sink == 42 ? best + 1e-9 : best;
    }
}
