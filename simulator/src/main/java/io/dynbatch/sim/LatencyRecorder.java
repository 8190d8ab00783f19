package io.dynbatch.sim;

import java.util.Arrays;

/**
 * Exact insight latency of every event (commit time - ingest time, rounded up to the millisecond):
 * a histogram at 1 ms resolution for the quantiles, and per 10-second bucket of ingest time the
 * number of events and of events over the SLO, for the minutes in which the SLO held (p99 &lt;= SLO,
 * i.e. at most 1% of the minute's events late) and the time from which it held for good.
 */
final class LatencyRecorder {

    static final long BUCKET_MILLIS = 10_000;
    private static final int BUCKETS_PER_MINUTE = 6;
    private static final double ALLOWED_LATE_FRACTION = 0.01;

    private final long originMillis;
    private final long sloMillis;
    private long[] histogram = new long[4096];
    private final long[] bucketEvents;
    private final long[] bucketLate;
    private long events;
    private long max;

    LatencyRecorder(long originMillis, long endMillis, long sloMillis) {
        this.originMillis = originMillis;
        this.sloMillis = sloMillis;
        int buckets = (int) Math.ceil((endMillis - originMillis) / (double) BUCKET_MILLIS);
        this.bucketEvents = new long[buckets];
        this.bucketLate = new long[buckets];
    }

    void record(long ingestMillis, double commitMillis, long count) {
        long latency = Math.max(0, (long) Math.ceil(commitMillis - ingestMillis));
        if (latency >= histogram.length) {
            histogram = Arrays.copyOf(histogram, (int) Math.max(latency + 1, histogram.length * 2L));
        }
        histogram[(int) latency] += count;
        events += count;
        max = Math.max(max, latency);
        int bucket = (int) Math.min(bucketEvents.length - 1, Math.max(0, (ingestMillis - originMillis) / BUCKET_MILLIS));
        bucketEvents[bucket] += count;
        if (latency > sloMillis) {
            bucketLate[bucket] += count;
        }
    }

    long events() {
        return events;
    }

    long maxMillis() {
        return max;
    }

    /** The smallest latency L such that at least {@code q} of the events took at most L. */
    long quantileMillis(double q) {
        if (events == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * events);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return i;
            }
        }
        return max;
    }

    /** Minutes of ingest time with events. */
    int minutesTotal() {
        int total = 0;
        for (int m = 0; m * BUCKETS_PER_MINUTE < bucketEvents.length; m++) {
            if (minuteEvents(m) > 0) {
                total++;
            }
        }
        return total;
    }

    /** Minutes of ingest time with events whose p99 latency was within the SLO. */
    int minutesMet() {
        int met = 0;
        for (int m = 0; m * BUCKETS_PER_MINUTE < bucketEvents.length; m++) {
            long n = minuteEvents(m);
            if (n > 0 && minuteLate(m) <= ALLOWED_LATE_FRACTION * n) {
                met++;
            }
        }
        return met;
    }

    private long minuteEvents(int m) {
        long n = 0;
        for (int b = m * BUCKETS_PER_MINUTE; b < Math.min(bucketEvents.length, (m + 1) * BUCKETS_PER_MINUTE); b++) {
            n += bucketEvents[b];
        }
        return n;
    }

    private long minuteLate(int m) {
        long n = 0;
        for (int b = m * BUCKETS_PER_MINUTE; b < Math.min(bucketLate.length, (m + 1) * BUCKETS_PER_MINUTE); b++) {
            n += bucketLate[b];
        }
        return n;
    }

    /**
     * The ingest time from which the SLO held for good: the end of the last 10-second bucket in which
     * more than 1% of the events were late ({@code originMillis} if there was none).
     */
    long sloHeldFromMillis() {
        for (int b = bucketEvents.length - 1; b >= 0; b--) {
            if (bucketEvents[b] > 0 && bucketLate[b] > ALLOWED_LATE_FRACTION * bucketEvents[b]) {
                return originMillis + (b + 1) * BUCKET_MILLIS;
            }
        }
        return originMillis;
    }
}
