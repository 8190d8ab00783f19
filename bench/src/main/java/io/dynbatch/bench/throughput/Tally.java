package io.dynbatch.bench.throughput;

/** A batch's aggregate in the throughput runs: events and the newest ingest time. A Flink POJO. */
public class Tally {

    public long events;
    public long newestIngest;

    public Tally() {}

    public Tally(long events, long newestIngest) {
        this.events = events;
        this.newestIngest = newestIngest;
    }
}
