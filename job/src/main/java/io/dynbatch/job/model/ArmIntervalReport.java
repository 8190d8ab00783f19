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

    /** A field-by-field copy. */
    public ArmIntervalReport copy() {
        ArmIntervalReport c = new ArmIntervalReport();
        c.arm = arm;
        c.intervalStart = intervalStart;
        c.intervalSeconds = intervalSeconds;
        c.events = events;
        c.batches = batches;
        c.transactions = transactions;
        c.rows = rows;
        c.dbMillis = dbMillis;
        c.dbMillisPer1kEvents = dbMillisPer1kEvents;
        c.costPer1kEvents = costPer1kEvents;
        c.p50Millis = p50Millis;
        c.p95Millis = p95Millis;
        c.p99Millis = p99Millis;
        c.maxMillis = maxMillis;
        c.sloMillis = sloMillis;
        c.sloMet = sloMet;
        return c;
    }

    @Override
    public String toString() {
        return String.format("%s: %,d events, %d tx, %d rows, %.2f DB ms/1k, p50 %d ms, p99 %d ms%s", arm, events,
                transactions, rows, dbMillisPer1kEvents, p50Millis, p99Millis, sloMet ? "" : " (SLO missed)");
    }
}
