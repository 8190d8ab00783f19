package io.dynbatch.job.model;

/** One arm's A/B figures for one reporting interval of commit time. A Flink POJO. */
public class ArmIntervalReport {

    public String arm;
    public long intervalStart;
    public int intervalSeconds;
    public long events;
    public long batches;
    public long transactions;
    public long rows;
    public long dbMillis;
    public double dbMillisPer1kEvents;
    public double costPer1kEvents;
    public long p50Millis;
    public long p95Millis;
    public long p99Millis;
    public long maxMillis;
    public long sloMillis;
    public boolean sloMet;

    public ArmIntervalReport() {}

    @Override
    public String toString() {
        return String.format("%s: %,d events, %d tx, %d rows, %.2f DB ms/1k, p50 %d ms, p99 %d ms%s", arm, events,
                transactions, rows, dbMillisPer1kEvents, p50Millis, p99Millis, sloMet ? "" : " (SLO missed)");
    }
}
