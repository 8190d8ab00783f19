package io.dynbatch.triggers.policy;

/**
 * What the {@link AdaptivePolicy} has learned about one key, kept across batches: the arrival rate,
 * the key's share of the writer's time, its sink cost model, the age of arriving elements (to
 * detect a backlog, with hysteresis), a decaying tail of how late its timers fire (head-of-line
 * blocking on the shared writer thread), how long its batches wait beyond their own write for the
 * rest of the transaction they are committed in (group commit), and when it last flushed (the start
 * of the current batch cycle).
 *
 * <p>State: {@link #STATE_SIZE} doubles ({@link #toArray}; restore with {@link
 * AdaptivePolicy#restore}, which also reads the state of version 1, written before the group wait
 * was learned, as a key that has seen no group wait yet), O(1) per key, so a Flink trigger keeps it
 * in keyed state and it survives restarts. Created only by an {@link AdaptivePolicy}, which owns the
 * constants. Not thread-safe.
 */
public final class KeyLearning {

    /** Number of doubles {@link #toArray} returns. */
    public static final int STATE_SIZE = 1 + DecayedRate.STATE_SIZE * 2 + SinkCostModel.STATE_SIZE + 6;

    private static final double VERSION = 2;

    /** The state of version 1: as version 2 without the group wait (its last value). */
    private static final int VERSION_1_SIZE = STATE_SIZE - 1;

    final DecayedRate arrivals;
    final DecayedRate writeLoad;
    final SinkCostModel cost;
    double arrivalAgeMillis = Double.NaN;
    double arrivalAgeAtMillis = Double.NaN;
    double timerLagTailMillis;
    double groupWaitMillis;
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

    /**
     * How long this key's batches wait, on average (recent ones weigh most), between their own write
     * and the commit of the transaction they are in, for the other keys' rows in it, ms (0 when every
     * batch is its own transaction).
     */
    public double groupWaitMillis() {
        return groupWaitMillis;
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
        out[i++] = backlog ? 1 : 0;
        out[i] = groupWaitMillis;
        return out;
    }

    void readFrom(double[] in) {
        boolean current = in.length == STATE_SIZE && in[0] == VERSION;
        if (!current && !(in.length == VERSION_1_SIZE && in.length > 0 && in[0] == 1)) {
            throw new IllegalArgumentException("not a KeyLearning state of version " + VERSION + " and size "
                    + STATE_SIZE + " (or version 1 and size " + VERSION_1_SIZE + ")");
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
        backlog = in[i++] != 0;
        groupWaitMillis = current ? in[i] : 0;
    }

    @Override
    public String toString() {
        return "KeyLearning(" + cost + ", arrivalAge=" + arrivalAgeMillis + "ms, timerLagTail=" + timerLagTailMillis
                + "ms, groupWait=" + groupWaitMillis + "ms, backlog=" + backlog + ")";
    }
}
