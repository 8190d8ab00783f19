package io.dynbatch.sim;

/**
 * How busy the simulated subtask's thread was, minute by minute of simulated time: the time it
 * spent processing events, writing batches and held by checkpoint pauses. Read as the share of the
 * busiest minute, it says how close to saturation an arm ran the subtask (a thread busy 100% of a
 * minute is falling behind), and how much of the thread its writes took.
 *
 * <p>Only whole minutes of the scenario's run count; work after its end (e.g. the final flushes)
 * does not. Time spans crossing a minute boundary are split between the two minutes.
 */
final class ThreadLoad {

    private static final double MINUTE = 60_000;

    private final double[] busyMillis;
    private final double[] writeMillis;

    /** For a run of {@code durationMillis} of simulated time, starting at 0. */
    ThreadLoad(long durationMillis) {
        int minutes = (int) (durationMillis / (long) MINUTE);
        this.busyMillis = new double[minutes];
        this.writeMillis = new double[minutes];
    }

    /** The thread processed events (or was paused) from {@code start} for {@code millis}. */
    void busy(double start, double millis) {
        add(busyMillis, start, millis);
    }

    /** The thread wrote a batch (or a round's batches) from {@code start} for {@code millis}. */
    void write(double start, double millis) {
        add(busyMillis, start, millis);
        add(writeMillis, start, millis);
    }

    /** The busiest minute's share of busy time, in percent (0-100). */
    int peakBusyPercent() {
        return peakPercent(busyMillis);
    }

    /** The minute with the most writing: its share of write time, in percent (0-100). */
    int peakWritePercent() {
        return peakPercent(writeMillis);
    }

    private static void add(double[] minutes, double start, double millis) {
        double from = Math.max(0, start);
        double end = start + millis;
        while (from < end) {
            int minute = (int) (from / MINUTE);
            if (minute >= minutes.length) {
                return;
            }
            double to = Math.min(end, (minute + 1) * MINUTE);
            minutes[minute] += to - from;
            from = to;
        }
    }

    private static int peakPercent(double[] minutes) {
        double peak = 0;
        for (double m : minutes) {
            peak = Math.max(peak, m);
        }
        return (int) Math.round(100 * peak / MINUTE); // spans never overlap: at most 100
    }
}
