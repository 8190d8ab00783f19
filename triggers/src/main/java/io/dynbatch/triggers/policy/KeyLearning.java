package io.dynbatch.triggers.policy;

/**
 * What the {@link AdaptivePolicy} has learned about one key, kept across batches: the arrival rate,
 * the key's share of the writer's time, its sink cost model, the age of arriving elements (to
 * detect a backlog, with hysteresis), a decaying tail of how late its timers fire (head-of-line
 * blocking on the shared writer thread), and when it last flushed (the start of the current batch
 * cycle).
 *
 * <p>State: {@link #STATE_SIZE} doubles ({@link #toArray}; restore with {@link
 * AdaptivePolicy#restore}), O(1) per key, so a Flink trigger keeps it in keyed state and it survives
 * restarts. Created only by an {@link AdaptivePolicy}, which owns the constants. Not thread-safe.
 */
public final class KeyLearning {

    /** Number of doubles {@link #toArray} returns. */
    public static final int STATE_SIZE = 1 + DecayedRate.STATE_SIZE * 2 + SinkCostModel.STATE_SIZE + 5;

    private static final double VERSION = 1;

    final DecayedRate arrivals;
    final DecayedRate writeLoad;
    final SinkCostModel cost;
    double arrivalAgeMillis = Double.NaN;
    double arrivalAgeAtMillis = Double.NaN;
    double timerLagTailMillis;
    double lastFlushMillis = Double.NaN;
    boolean backlog;

    KeyLearning(AdaptivePolicyConfig config) {
        this.arrivals = new DecayedRate(config.rateHalfLifeMillis());
        this.writeLoad = new DecayedRate(config.loadHalfLifeMillis());
        this.cost = new SinkCostModel(
                config.priorPerCallMillis(),
                config.priorPerElementMillis(),
                AdaptivePolicy.COST_PRIOR_WEIGHT,
                AdaptivePolicy.COST_REFERENCE_SIZE,
                config.costForgetting());
    }

    /** The learned sink cost model (read it; feed it through {@link AdaptivePolicy#onWrite}). */
    public SinkCostModel cost() {
        return cost;
    }

    /** Arrival rate in elements per millisecond at {@code nowMillis}. */
    public double arrivalsPerMilli(long nowMillis) {
        return arrivals.perMilli(nowMillis);
    }

    /** This key's write time per millisecond of wall time at {@code nowMillis}. */
    public double writeLoad(long nowMillis) {
        return writeLoad.perMilli(nowMillis);
    }

    /** Smoothed age (now - ingest) of arriving elements, ms; NaN before the first arrival. */
    public double arrivalAgeMillis() {
        return arrivalAgeMillis;
    }

    /** Decaying tail of how late this key's timers fired, ms. */
    public double timerLagTailMillis() {
        return timerLagTailMillis;
    }

    /** When the key's last batch was flushed, ms; NaN before the first flush. */
    public double lastFlushMillis() {
        return lastFlushMillis;
    }

    /** True while the key is draining a backlog. */
    public boolean inBacklog() {
        return backlog;
    }

    public double[] toArray() {
        return writeTo(null);
    }

    /**
     * Writes the state {@link #toArray} returns into {@code out} (reused, no allocation) and returns
     * it, or a new array if {@code out} is {@code null} or of another size.
     */
    public double[] writeTo(double[] out) {
        if (out == null || out.length != STATE_SIZE) {
            out = new double[STATE_SIZE];
        }
        int i = 0;
        out[i++] = VERSION;
        arrivals.writeTo(out, i);
        i += DecayedRate.STATE_SIZE;
        writeLoad.writeTo(out, i);
        i += DecayedRate.STATE_SIZE;
        cost.writeTo(out, i);
        i += SinkCostModel.STATE_SIZE;
        out[i++] = arrivalAgeMillis;
        out[i++] = arrivalAgeAtMillis;
        out[i++] = timerLagTailMillis;
        out[i++] = lastFlushMillis;
        out[i] = backlog ? 1 : 0;
        return out;
    }

    void readFrom(double[] in) {
        if (in.length != STATE_SIZE || in[0] != VERSION) {
            throw new IllegalArgumentException(
                    "not a KeyLearning state of version " + VERSION + " and size " + STATE_SIZE);
        }
        int i = 1;
        arrivals.readFrom(in, i);
        i += DecayedRate.STATE_SIZE;
        writeLoad.readFrom(in, i);
        i += DecayedRate.STATE_SIZE;
        cost.readFrom(in, i);
        i += SinkCostModel.STATE_SIZE;
        arrivalAgeMillis = in[i++];
        arrivalAgeAtMillis = in[i++];
        timerLagTailMillis = in[i++];
        lastFlushMillis = in[i++];
        backlog = in[i] != 0;
    }

    @Override
    public String toString() {
        return "KeyLearning(" + cost + ", arrivalAge=" + arrivalAgeMillis + "ms, timerLagTail=" + timerLagTailMillis
                + "ms, backlog=" + backlog + ")";
    }
}
