package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import java.util.EnumMap;
import java.util.Map;

/**
 * What one arm did in one scenario.
 *
 * @param scenario scenario name
 * @param arm arm name
 * @param kind adaptive or static
 * @param maxSize the arm's size limit
 * @param maxDelayMillis the arm's delay limit
 * @param events events committed
 * @param transactions writes (one transaction per batch)
 * @param dbMillis modelled database time of all writes
 * @param rowDbMillis the part of {@code dbMillis} spent on rows (the rest is per-call cost), which no
 *     grouping of transactions can save; only larger batches, with more compaction, reduce it
 * @param p50Millis median insight latency
 * @param p99Millis 99th percentile insight latency
 * @param maxMillis worst insight latency
 * @param minutesMet minutes (of ingest time) whose p99 was within the SLO
 * @param minutesTotal minutes with events
 * @param sloHeldFromMillis ingest time from which the SLO held for good (0 = the start for live
 *     scenarios; for the backlog scenario, the time to drain and get back within the SLO)
 * @param meetsSlo p99 within the SLO; for the backlog scenario: back within the SLO and staying there
 *     for at least the last {@link #BACKLOG_STABLE_MILLIS} of the run
 * @param flushes flushes by reason
 * @param peakBusyPercent the subtask thread's busiest minute: the share of it spent processing events,
 *     writing or paused, in percent ({@link ThreadLoad}); near 100 the subtask is saturated
 * @param peakWritePercent the minute with the most writing: the share of it the writes took, in percent
 */
public record ArmResult(
        String scenario,
        String arm,
        String kind,
        long maxSize,
        long maxDelayMillis,
        long events,
        long transactions,
        double dbMillis,
        double rowDbMillis,
        long p50Millis,
        long p99Millis,
        long maxMillis,
        int minutesMet,
        int minutesTotal,
        long sloHeldFromMillis,
        boolean meetsSlo,
        Map<FlushReason, Long> flushes,
        int peakBusyPercent,
        int peakWritePercent) {

    /** In the backlog scenario the SLO must hold for good over at least this much of the run's end. */
    public static final long BACKLOG_STABLE_MILLIS = 5 * 60_000;

    public ArmResult {
        flushes = new EnumMap<>(flushes);
    }

    public double transactionsPer1k() {
        return events == 0 ? 0 : transactions * 1000.0 / events;
    }

    public double dbMillisPer1k() {
        return events == 0 ? 0 : dbMillis * 1000.0 / events;
    }

    public double rowDbMillisPer1k() {
        return events == 0 ? 0 : rowDbMillis * 1000.0 / events;
    }

    public long flushCount(FlushReason reason) {
        return flushes.getOrDefault(reason, 0L);
    }

    /** Flushes for any of {@code reasons}. */
    public long flushCount(java.util.Set<FlushReason> reasons) {
        long n = 0;
        for (FlushReason reason : reasons) {
            n += flushCount(reason);
        }
        return n;
    }
}
