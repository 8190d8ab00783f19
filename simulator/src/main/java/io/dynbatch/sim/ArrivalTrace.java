package io.dynbatch.sim;

import java.util.SplittableRandom;

/**
 * The events of one scenario, generated once from its seed and replayed identically to every arm:
 * for each shard and each {@value #TICK_MILLIS} ms tick of ingest time, a Poisson number of events
 * with that ingest time, available to the operator at ingest time plus the scenario's upstream
 * lag. Chunks are ordered by ingest tick, so by availability (the lag changes by far less than a
 * tick per tick).
 */
public final class ArrivalTrace {

    /** Ingest-time resolution of the trace. */
    public static final long TICK_MILLIS = 10;

    private final long[] ingestMillis;
    private final double[] availableMillis;
    private final int[] shard;
    private final int[] count;
    private final int size;
    private final long events;

    private ArrivalTrace(long[] ingestMillis, double[] availableMillis, int[] shard, int[] count, int size) {
        this.ingestMillis = ingestMillis;
        this.availableMillis = availableMillis;
        this.shard = shard;
        this.count = count;
        this.size = size;
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += count[i];
        }
        this.events = total;
    }

    /** Generates the trace of {@code scenario}; the same scenario always gives the same trace. */
    public static ArrivalTrace generate(Scenario scenario) {
        SplittableRandom random = new SplittableRandom(scenario.seed());
        int shards = scenario.shards();
        long from = -scenario.backlogMillis();
        long to = scenario.durationMillis();
        // grown as needed: with many shards most (shard, tick) pairs are empty
        int capacity = (int) Math.min((to - from) / TICK_MILLIS * shards, 1 << 20);
        long[] ingest = new long[capacity];
        double[] available = new double[capacity];
        int[] shardOf = new int[capacity];
        int[] counts = new int[capacity];
        int n = 0;
        for (long t = from; t < to; t += TICK_MILLIS) {
            double perTick = scenario.eventsPerSecond().applyAsDouble(t) * TICK_MILLIS / 1000.0;
            double lag = scenario.upstreamLagMillis().applyAsDouble(t);
            for (int s = 0; s < shards; s++) {
                int c = poisson(random, perTick * scenario.shardWeights()[s]);
                if (c > 0) {
                    if (n == ingest.length) {
                        int grown = (int) Math.min(Integer.MAX_VALUE - 8, ingest.length * 2L);
                        ingest = java.util.Arrays.copyOf(ingest, grown);
                        available = java.util.Arrays.copyOf(available, grown);
                        shardOf = java.util.Arrays.copyOf(shardOf, grown);
                        counts = java.util.Arrays.copyOf(counts, grown);
                    }
                    ingest[n] = t;
                    available[n] = t + lag;
                    shardOf[n] = s;
                    counts[n] = c;
                    n++;
                }
            }
        }
        return new ArrivalTrace(ingest, available, shardOf, counts, n);
    }

    /** Poisson sample: exact (Knuth) for small means, rounded normal approximation for large. */
    static int poisson(SplittableRandom random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean < 40) {
            double limit = Math.exp(-mean);
            double p = random.nextDouble();
            int k = 0;
            while (p > limit) {
                p *= random.nextDouble();
                k++;
            }
            return k;
        }
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
    }

    public int size() {
        return size;
    }

    public long events() {
        return events;
    }

    public long ingestMillis(int i) {
        return ingestMillis[i];
    }

    public double availableMillis(int i) {
        return availableMillis[i];
    }

    public int shard(int i) {
        return shard[i];
    }

    public int count(int i) {
        return count[i];
    }

    /** Events per shard, for tests. */
    long[] eventsPerShard(int shards) {
        long[] out = new long[shards];
        for (int i = 0; i < size; i++) {
            out[shard[i]] += count[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "ArrivalTrace(chunks=" + size + ", events=" + events + ", first="
                + (size > 0 ? ingestMillis[0] : 0) + ", last=" + (size > 0 ? ingestMillis[size - 1] : 0) + ")";
    }
}
