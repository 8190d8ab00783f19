package io.dynbatch.job.source;

import java.io.Serializable;
import java.time.Duration;

/**
 * Upstream lag that swings: an event ingested {@code t} ms into the run is released to the job
 * {@code swing / 2 * (1 - cos(2 pi t / period))} ms after its ingest time, so the lag goes from 0 to
 * {@code swing} and back every {@code period}, as a consumer that falls behind and catches up
 * (rebalances, upstream backpressure, pauses) would see it. The ingest time itself is unchanged, so
 * the latency already spent before the job is real and counts against the SLO. Release times never
 * run backwards while {@code swing * pi < period} (checked), so the events keep their order.
 */
public final class LagSwing implements Serializable {

    private static final long serialVersionUID = 1L;

    /** No lag: every event is released at its ingest time. */
    public static final LagSwing NONE = new LagSwing(0, 1);

    private final long swingMillis;
    private final long periodMillis;

    private LagSwing(long swingMillis, long periodMillis) {
        this.swingMillis = swingMillis;
        this.periodMillis = periodMillis;
    }

    /**
     * @throws IllegalArgumentException if {@code swing} is negative, {@code period} not positive, or
     *     the swing so fast that later events would be released before earlier ones
     */
    public static LagSwing of(Duration swing, Duration period) {
        if (swing.isNegative() || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("lag swing must be >= 0 and its period > 0, got " + swing + " / " + period);
        }
        if (swing.toMillis() * Math.PI >= period.toMillis()) {
            throw new IllegalArgumentException("a lag swing of " + swing + " every " + period
                    + " would release later events before earlier ones: the period must exceed pi x the swing");
        }
        return new LagSwing(swing.toMillis(), period.toMillis());
    }

    /** The lag of an event ingested {@code offsetMillis} into the run. */
    public long lagMillis(long offsetMillis) {
        if (swingMillis == 0) {
            return 0;
        }
        double phase = 2 * Math.PI * Math.floorMod(offsetMillis, periodMillis) / periodMillis;
        return Math.round(swingMillis / 2.0 * (1 - Math.cos(phase)));
    }

    public long swingMillis() {
        return swingMillis;
    }

    @Override
    public String toString() {
        return "LagSwing(0.." + swingMillis + "ms every " + periodMillis + "ms)";
    }
}
