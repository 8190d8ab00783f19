package io.dynbatch.triggers.policy;

/**
 * Online model of a sink's write time, {@code time = a + b * size} ({@code a}: per call, {@code b}:
 * per element), fitted by exponentially forgetting least squares with a weak ridge prior.
 *
 * <p>Each write multiplies the old sufficient statistics by the forgetting factor {@code g} and adds
 * the new sample, so the model follows a sink whose cost changes (half-life {@code ln 0.5 / ln g}
 * writes) in O(1) state: the weighted sums {@code W, Sx, Sy, Sxx, Sxy} plus an error estimate. The
 * fit minimises {@code sum w_i (y_i - a - b x_i)^2 + p (a - a0)^2 + p x0^2 (b - b0)^2}, whose 2x2
 * normal equations always have a unique solution. That matters because a batching policy tends to
 * produce batches of nearly one size: with no spread in size the data pin down the time <em>at
 * that size</em> and the prior keeps the split between {@code a} and {@code b} sensible, instead
 * of the slope becoming noise. Before any sample the prior {@code (a0, b0)} is returned.
 *
 * <p>Guarantees: {@code a >= 0}, {@code b >= 0}, both finite, whatever samples arrive (non-finite
 * or negative samples are ignored). {@link #errorMillis()} is an exponentially weighted mean of the
 * absolute one-step-ahead prediction error (from the second sample on), for use as a safety margin.
 */
public final class SinkCostModel {

    /** Number of doubles {@link #writeTo} writes. */
    public static final int STATE_SIZE = 6;

    private final double priorA;
    private final double priorB;
    private final double priorWeight;
    private final double referenceSize;
    private final double forgetting;

    private double w;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;
    private double err;

    /** The last solution, valid until the sums change. */
    private double[] solution;

    /**
     * @param priorPerCallMillis {@code a0}
     * @param priorPerElementMillis {@code b0}
     * @param priorWeight {@code p}, in equivalent samples (small: the data should win quickly)
     * @param referenceSize {@code x0}, the batch size at which the prior on the slope is weighed
     * @param forgetting {@code g} in (0, 1)
     * @throws IllegalArgumentException on non-finite or out-of-range arguments
     */
    public SinkCostModel(
            double priorPerCallMillis,
            double priorPerElementMillis,
            double priorWeight,
            double referenceSize,
            double forgetting) {
        requireNonNegative(priorPerCallMillis, "priorPerCallMillis");
        requireNonNegative(priorPerElementMillis, "priorPerElementMillis");
        if (!(priorWeight > 0) || Double.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("priorWeight must be > 0, got " + priorWeight);
        }
        if (!(referenceSize > 0) || Double.isInfinite(referenceSize)) {
            throw new IllegalArgumentException("referenceSize must be > 0, got " + referenceSize);
        }
        if (!(forgetting > 0 && forgetting < 1)) {
            throw new IllegalArgumentException("forgetting must be in (0, 1), got " + forgetting);
        }
        this.priorA = priorPerCallMillis;
        this.priorB = priorPerElementMillis;
        this.priorWeight = priorWeight;
        this.referenceSize = referenceSize;
        this.forgetting = forgetting;
    }

    private static void requireNonNegative(double v, String name) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }

    /** Adds one measured write of {@code size} elements that took {@code millis}. Bad samples are ignored. */
    public void observe(double size, double millis) {
        if (!(size >= 0) || !(millis >= 0) || Double.isInfinite(size) || Double.isInfinite(millis)) {
            return;
        }
        if (w > 0) { // the first sample only measures the prior's error, not the model's
            err = forgetting * err + (1 - forgetting) * Math.abs(millis - predictMillis(size));
        }
        solution = null;
        w = forgetting * w + 1;
        sx = forgetting * sx + size;
        sy = forgetting * sy + millis;
        sxx = forgetting * sxx + size * size;
        sxy = forgetting * sxy + size * millis;
    }

    /** Learned per-call cost {@code a} in ms (the prior before any sample). */
    public double perCallMillis() {
        return solve()[0];
    }

    /** Learned per-element cost {@code b} in ms (the prior before any sample). */
    public double perElementMillis() {
        return solve()[1];
    }

    /** Predicted write time of a batch of {@code size} elements, in ms; finite and &gt;= 0. */
    public double predictMillis(double size) {
        double[] ab = solve();
        return ab[0] + ab[1] * Math.max(0, size);
    }

    /** Mean absolute one-step prediction error of recent writes, in ms (0 before any sample). */
    public double errorMillis() {
        return err;
    }

    /** Total weight of the (decayed) samples; 0 before any sample. */
    public double sampleWeight() {
        return w;
    }

    private double[] solve() {
        if (solution == null) {
            solution = fit();
        }
        return solution;
    }

    private double[] fit() {
        double pa = priorWeight;
        double pb = priorWeight * referenceSize * referenceSize;
        double m00 = w + pa;
        double m01 = sx;
        double m11 = sxx + pb;
        double r0 = sy + pa * priorA;
        double r1 = sxy + pb * priorB;
        // det = (W*Sxx - Sx^2) + pa*Sxx + W*pb + pa*pb; the first term is >= 0 in exact arithmetic.
        double det = Math.max(0, w * sxx - sx * sx) + pa * sxx + w * pb + pa * pb;
        double a = (r0 * m11 - m01 * r1) / det;
        double b = (m00 * r1 - m01 * r0) / det;
        if (b < 0) {
            b = 0;
            a = r0 / m00;
        }
        if (a < 0) {
            a = 0;
            b = Math.max(0, r1 / m11);
        }
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            return new double[] {priorA, priorB};
        }
        return new double[] {a, b};
    }

    /** Writes the state into {@code out[offset .. offset + STATE_SIZE)}. */
    public void writeTo(double[] out, int offset) {
        out[offset] = w;
        out[offset + 1] = sx;
        out[offset + 2] = sy;
        out[offset + 3] = sxx;
        out[offset + 4] = sxy;
        out[offset + 5] = err;
    }

    /** Restores the state written by {@link #writeTo}. */
    public void readFrom(double[] in, int offset) {
        solution = null;
        w = in[offset];
        sx = in[offset + 1];
        sy = in[offset + 2];
        sxx = in[offset + 3];
        sxy = in[offset + 4];
        err = in[offset + 5];
    }

    @Override
    public String toString() {
        double[] ab = solve();
        return String.format(java.util.Locale.ROOT, "SinkCostModel(a=%.3fms, b=%.6fms/element, err=%.3fms, weight=%.2f)", ab[0], ab[1], err, w);
    }
}
