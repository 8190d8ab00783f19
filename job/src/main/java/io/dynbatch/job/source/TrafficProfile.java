package io.dynbatch.job.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Relative arrival rate over a compressed day: a trough at the start and end, a peak in the middle
 * {@code peakToTrough} times higher (cosine shape), plus seeded short bursts at {@code
 * burstMultiplier} times the diurnal rate. Pure and deterministic; {@link EventSchedule} turns it
 * into per-event timestamps.
 */
public final class TrafficProfile implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long durationMillis;
    private final double peakToTrough;
    private final long[] burstStarts;
    private final long burstMillis;
    private final double burstMultiplier;

    private TrafficProfile(long durationMillis, double peakToTrough, long[] burstStarts, long burstMillis,
            double burstMultiplier) {
        this.durationMillis = durationMillis;
        this.peakToTrough = peakToTrough;
        this.burstStarts = burstStarts;
        this.burstMillis = burstMillis;
        this.burstMultiplier = burstMultiplier;
    }

    /**
     * A compressed day of the given length: peak 10x trough and {@code bursts} bursts, each 1/50 of
     * the day long at 3x the diurnal rate, placed by {@code seed}.
     */
    public static TrafficProfile compressedDay(Duration duration, int bursts, long seed) {
        return of(duration, 10.0, bursts, 3.0, seed);
    }

    /** A flat profile (constant rate), handy for tests. */
    public static TrafficProfile flat(Duration duration) {
        return of(duration, 1.0, 0, 1.0, 0);
    }

    public static TrafficProfile of(Duration duration, double peakToTrough, int bursts, double burstMultiplier,
            long seed) {
        long d = duration.toMillis();
        if (d <= 0) {
            throw new IllegalArgumentException("duration must be > 0, got " + duration);
        }
        if (peakToTrough < 1.0) {
            throw new IllegalArgumentException("peakToTrough must be >= 1, got " + peakToTrough);
        }
        if (bursts < 0 || burstMultiplier < 1.0) {
            throw new IllegalArgumentException("bursts must be >= 0 and burstMultiplier >= 1");
        }
        long burstMillis = Math.max(1, d / 50);
        SplittableRandom random = new SplittableRandom(seed);
        long[] starts = new long[bursts];
        for (int i = 0; i < bursts; i++) {
            starts[i] = random.nextLong(Math.max(1, d - burstMillis));
        }
        return new TrafficProfile(d, peakToTrough, starts, burstMillis, burstMultiplier);
    }

    public long durationMillis() {
        return durationMillis;
    }

    /** Relative rate at offset {@code t} ms: 1.0 at the trough, {@code peakToTrough} at the peak. */
    public double relativeRate(long t) {
        double phase = 2 * Math.PI * t / durationMillis;
        double diurnal = 1.0 + (peakToTrough - 1.0) * (1 - Math.cos(phase)) / 2;
        for (long start : burstStarts) {
            if (t >= start && t < start + burstMillis) {
                return diurnal * burstMultiplier;
            }
        }
        return diurnal;
    }
}
