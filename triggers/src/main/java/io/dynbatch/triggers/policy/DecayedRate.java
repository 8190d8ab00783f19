package io.dynbatch.triggers.policy;

/**
 * Exponentially weighted rate of a quantity per millisecond (events per ms, or milliseconds of
 * writing per ms), with a half-life in time rather than in samples, so a burst of many samples in
 * one millisecond counts as much as the same amount spread out.
 *
 * <p>It keeps a decayed sum {@code S} and reports {@code S / (tau * (1 - exp(-observed / tau)))},
 * i.e. the sum divided by the decayed length of the time observed so far: unbiased from the first
 * sample on, without the slow ramp-up of a plain EWMA started at zero. The observed time is taken to
 * be at least a quarter of {@code tau}, so one early sample cannot claim an absurd rate.
 *
 * <p>State: three doubles ({@link #writeTo}/{@link #readFrom}), so it can live in keyed state. Not
 * thread-safe.
 */
public final class DecayedRate {

    /** Number of doubles {@link #writeTo} writes. */
    public static final int STATE_SIZE = 3;

    private static final double MIN_OBSERVED_FRACTION = 0.25;

    private final double tauMillis;
    private double sum;
    private double lastMillis = Double.NaN;
    private double startMillis = Double.NaN;

    /** Memo of the normaliser for the last {@code observed} span (not state: recomputed on demand). */
    private double memoObserved = Double.NaN;
    private double memoNormaliser;

    /**
     * @throws IllegalArgumentException if {@code halfLifeMillis} is not positive
     */
    public DecayedRate(double halfLifeMillis) {
        if (!(halfLifeMillis > 0) || Double.isInfinite(halfLifeMillis)) {
            throw new IllegalArgumentException("halfLifeMillis must be > 0, got " + halfLifeMillis);
        }
        this.tauMillis = halfLifeMillis / Math.log(2);
    }

    /**
     * Adds {@code amount} (&gt;= 0) observed at {@code nowMillis}. A time before the last sample is
     * treated as the last sample's time.
     *
     * @throws IllegalArgumentException if {@code amount} is negative or not finite
     */
    public void add(double amount, long nowMillis) {
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("amount must be finite and >= 0, got " + amount);
        }
        if (Double.isNaN(lastMillis)) {
            startMillis = nowMillis;
            lastMillis = nowMillis;
            sum = amount;
            return;
        }
        double dt = nowMillis - lastMillis;
        if (dt > 0) {
            sum *= Math.exp(-dt / tauMillis);
            lastMillis = nowMillis;
        }
        sum += amount;
    }

    /** The rate per millisecond at {@code nowMillis}; 0 before the first sample. Never negative or NaN. */
    public double perMilli(long nowMillis) {
        if (Double.isNaN(lastMillis)) {
            return 0;
        }
        double dt = nowMillis - lastMillis;
        // exp(0) is exactly 1: skip it for the many calls within one millisecond of the last sample
        double decayed = dt > 0 ? sum * Math.exp(-dt / tauMillis) : sum;
        double observed = Math.max(nowMillis - startMillis, MIN_OBSERVED_FRACTION * tauMillis);
        if (observed != memoObserved) {
            memoNormaliser = tauMillis * -Math.expm1(-observed / tauMillis);
            memoObserved = observed;
        }
        return decayed / memoNormaliser;
    }

    /** True once a sample was added. */
    public boolean hasSamples() {
        return !Double.isNaN(lastMillis);
    }

    /** Writes the state into {@code out[offset .. offset + STATE_SIZE)}. */
    public void writeTo(double[] out, int offset) {
        out[offset] = sum;
        out[offset + 1] = lastMillis;
        out[offset + 2] = startMillis;
    }

    /** Restores the state written by {@link #writeTo}. */
    public void readFrom(double[] in, int offset) {
        sum = in[offset];
        lastMillis = in[offset + 1];
        startMillis = in[offset + 2];
    }

    @Override
    public String toString() {
        return "DecayedRate(sum=" + sum + ", last=" + lastMillis + ", start=" + startMillis + ")";
    }
}
