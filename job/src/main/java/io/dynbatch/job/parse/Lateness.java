package io.dynbatch.job.parse;

/**
 * The job's one lateness rule: a time is late once it is at or before {@code watermark -
 * allowedLateness}. The late-event router dead-letters events by it ({@link RouteLateEvents}), and
 * the sink closes and prunes a row's total by it (a row is closed when its minute's end is late),
 * so an event the router lets through never lands in a row the sink has already pruned. (The
 * tumbling arm's window uses Flink's own allowed lateness.)
 */
public final class Lateness {

    private Lateness() {}

    /**
     * {@code watermark - allowedLateness}, saturating at {@code Long.MIN_VALUE} (no overflow); {@code
     * Long.MIN_VALUE} means no watermark yet: nothing is late.
     */
    public static long bound(long watermark, long allowedLatenessMillis) {
        return watermark < Long.MIN_VALUE + allowedLatenessMillis ? Long.MIN_VALUE : watermark - allowedLatenessMillis;
    }

    /**
     * Whether {@code time} is late under {@code bound} (from {@link #bound}): at or before it. The
     * {@code <=}: an event exactly at {@code watermark - lateness} is late for a tumbling window too.
     */
    public static boolean isLate(long time, long bound) {
        return bound != Long.MIN_VALUE && time <= bound;
    }
}
