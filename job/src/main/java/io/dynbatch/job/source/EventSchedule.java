package io.dynbatch.job.source;

import java.io.Serializable;

/**
 * When each of {@code totalEvents} events is due, as an offset in milliseconds from the start of
 * the run, following a {@link TrafficProfile}: event {@code i}'s offset is where the cumulative
 * profile reaches {@code i}. Pure, deterministic and O(log n) per lookup, so a source can resume
 * at any index after a restore and tests can recompute every event's timestamp.
 */
public final class EventSchedule implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int SLOT_MILLIS = 10;

    private final long totalEvents;
    private final double[] cumulative; // events due before the start of slot k, scaled to totalEvents

    public EventSchedule(TrafficProfile profile, long totalEvents) {
        if (totalEvents < 0) {
            throw new IllegalArgumentException("totalEvents must be >= 0, got " + totalEvents);
        }
        int slots = (int) Math.max(1, (profile.durationMillis() + SLOT_MILLIS - 1) / SLOT_MILLIS);
        double[] cum = new double[slots + 1];
        for (int k = 0; k < slots; k++) {
            cum[k + 1] = cum[k] + profile.relativeRate((long) k * SLOT_MILLIS + SLOT_MILLIS / 2);
        }
        double scale = totalEvents / cum[slots];
        for (int k = 0; k <= slots; k++) {
            cum[k] *= scale;
        }
        this.totalEvents = totalEvents;
        this.cumulative = cum;
    }

    public long totalEvents() {
        return totalEvents;
    }

    /** Offset (ms from the run's start) at which event {@code index} is due; non-decreasing in index. */
    public long offsetMillis(long index) {
        if (index < 0 || index >= totalEvents) {
            throw new IndexOutOfBoundsException("index " + index + " not in [0, " + totalEvents + ")");
        }
        double target = index + 0.5;
        int lo = 0;
        int hi = cumulative.length - 1;
        while (hi - lo > 1) { // invariant: cumulative[lo] <= target < cumulative[hi]
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] <= target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double within = (target - cumulative[lo]) / (cumulative[hi] - cumulative[lo]);
        return (long) ((lo + within) * SLOT_MILLIS);
    }
}
