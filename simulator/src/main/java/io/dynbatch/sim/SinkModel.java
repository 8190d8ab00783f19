package io.dynbatch.sim;

/**
 * The modelled database: a write of a batch costs {@code perCall + perRow * rows} milliseconds,
 * times a deterministic noise factor, where {@code rows} is the number of distinct rows the batch
 * compacts to and the costs may be multiplied by a slowdown factor during a period (lock
 * contention, a vacuum, a noisy neighbour).
 *
 * <p>Compaction: a shard's events fall on {@code distinctRowsPerShard} equally likely rows (page x
 * event type x minute), so a batch of {@code n} events writes {@code D (1 - exp(-n / D))} rows in
 * expectation: small batches write one row per event, large ones fewer. This is the second reason
 * (after the per-call cost) why waiting longer is cheaper.
 *
 * <p>Every arm of a scenario sees the same model; the noise depends only on the shard, the write's
 * sequence number within its shard and the seed.
 */
public final class SinkModel {

    private final double perCallMillis;
    private final double perRowMillis;
    private final double distinctRowsPerShard;
    private final double noise;
    private final long slowFromMillis;
    private final long slowUntilMillis;
    private final double slowFactor;
    private final boolean ramp;
    private final long seed;

    private SinkModel(double perCallMillis, double perRowMillis, double distinctRowsPerShard, double noise,
            long slowFromMillis, long slowUntilMillis, double slowFactor, boolean ramp, long seed) {
        if (!(perCallMillis >= 0 && perRowMillis >= 0 && distinctRowsPerShard > 0 && noise >= 0 && noise < 1
                && slowFactor > 0)) {
            throw new IllegalArgumentException("bad sink model parameters");
        }
        this.perCallMillis = perCallMillis;
        this.perRowMillis = perRowMillis;
        this.distinctRowsPerShard = distinctRowsPerShard;
        this.noise = noise;
        this.slowFromMillis = slowFromMillis;
        this.slowUntilMillis = slowUntilMillis;
        this.slowFactor = slowFactor;
        this.ramp = ramp;
        this.seed = seed;
    }

    /** A sink of constant cost with +-{@code noise} (fraction) uniform noise per write. */
    public static SinkModel steady(double perCallMillis, double perRowMillis, double distinctRowsPerShard,
            double noise, long seed) {
        return new SinkModel(perCallMillis, perRowMillis, distinctRowsPerShard, noise, 0, 0, 1, false, seed);
    }

    /** This model, with both costs multiplied by {@code factor} for writes starting in {@code [from, until)}. */
    public SinkModel withSlowdown(long fromMillis, long untilMillis, double factor) {
        return new SinkModel(perCallMillis, perRowMillis, distinctRowsPerShard, noise, fromMillis, untilMillis,
                factor, false, seed);
    }

    /**
     * This model, with both costs multiplied by a factor that grows linearly from 1 at {@code from}
     * to {@code factor} at {@code until} and stays there (a database degrading under growing load).
     */
    public SinkModel withDegradation(long fromMillis, long untilMillis, double factor) {
        return new SinkModel(perCallMillis, perRowMillis, distinctRowsPerShard, noise, fromMillis, untilMillis,
                factor, true, seed);
    }

    /** The cost factor of a write starting at {@code atMillis}. */
    double factorAt(double atMillis) {
        if (ramp) {
            double f = (atMillis - slowFromMillis) / Math.max(1, slowUntilMillis - slowFromMillis);
            return 1 + (slowFactor - 1) * Math.max(0, Math.min(1, f));
        }
        return atMillis >= slowFromMillis && atMillis < slowUntilMillis ? slowFactor : 1.0;
    }

    /** Expected distinct rows of a batch of {@code elements} events of one shard. */
    public double rows(long elements) {
        return distinctRowsPerShard * -Math.expm1(-elements / distinctRowsPerShard);
    }

    /**
     * The share of a batch's write time spent on its rows rather than on the call: slowdown and
     * noise scale both parts alike, so this depends on the size only.
     */
    public double rowShare(long elements) {
        double rowCost = perRowMillis * rows(elements);
        double total = perCallMillis + rowCost;
        return total == 0 ? 0 : rowCost / total;
    }

    /** Write time of {@code shard}'s {@code seq}-th batch of {@code elements} events, starting at {@code atMillis}. */
    public double writeMillis(int shard, double atMillis, long elements, long seq) {
        double factor = factorAt(atMillis);
        double u = unit(seed, shard, seq);
        return factor * (perCallMillis + perRowMillis * rows(elements)) * (1 + noise * (2 * u - 1));
    }

    /**
     * Write time of a subtask's {@code seq}-th group transaction, starting at {@code atMillis}, that
     * writes {@code rows} rows in all (the sum of its shard batches' {@link #rows}): one call, every
     * row. Its noise comes from a stream of its own, apart from every shard's.
     */
    public double groupWriteMillis(double atMillis, double rows, long seq) {
        double factor = atMillis >= slowFromMillis && atMillis < slowUntilMillis ? slowFactor : 1.0;
        double u = unit(seed, GROUP_NOISE_STREAM, seq);
        return factor * (perCallMillis + perRowMillis * rows) * (1 + noise * (2 * u - 1));
    }

    /** As {@link #rowShare}, for a transaction of {@code rows} rows in all. */
    public double rowShareOfRows(double rows) {
        double rowCost = perRowMillis * rows;
        double total = perCallMillis + rowCost;
        return total == 0 ? 0 : rowCost / total;
    }

    /** The sink's distinct rows per shard ({@code D} of {@link #rows}). */
    public double distinctRowsPerShard() {
        return distinctRowsPerShard;
    }

    /**
     * This model with {@code distinctRowsPerShard} instead (same costs, noise, slowdown and seed): the
     * subtask's distinct rows spread over another number of shards.
     */
    public SinkModel withDistinctRowsPerShard(double distinctRowsPerShard) {
        return new SinkModel(perCallMillis, perRowMillis, distinctRowsPerShard, noise, slowFromMillis, slowUntilMillis,
                slowFactor, ramp, seed);
    }

    /** The noise stream of group transactions: no shard has this index. */
    private static final int GROUP_NOISE_STREAM = -1;

    /** A uniform number in [0, 1) from a SplitMix64 hash of the arguments. */
    static double unit(long seed, int shard, long seq) {
        long z = seed * 0x9E3779B97F4A7C15L + shard * 0xC2B2AE3D27D4EB4FL + seq;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    public double perCallMillis() {
        return perCallMillis;
    }

    public double perRowMillis() {
        return perRowMillis;
    }

    @Override
    public String toString() {
        String s = String.format(java.util.Locale.ROOT, "%.0f ms/call + %.3f ms/row, %.0f distinct rows/shard, +-%.0f%% noise",
                perCallMillis, perRowMillis, distinctRowsPerShard, noise * 100);
        if (slowFactor != 1) {
            s += String.format(java.util.Locale.ROOT, ramp ? ", x1 -> x%.1f from %d s to %d s" : ", x%.1f from %d s to %d s", slowFactor, slowFromMillis / 1000,
                    slowUntilMillis / 1000);
        }
        return s;
    }
}
