package io.dynbatch.job;

import io.dynbatch.job.report.RunSummary;

/** Prints a one-line status every few seconds while a run is under way. */
final class ProgressLine {

    private static final long EVERY_MILLIS = 5_000;

    private final long expectedEvents;
    private final long startMillis;
    private long lastPrinted;

    ProgressLine(long expectedEvents, long startMillis) {
        this.expectedEvents = expectedEvents;
        this.startMillis = startMillis;
    }

    void maybePrint(RunSummary summary) {
        long now = System.currentTimeMillis();
        if (now - lastPrinted >= EVERY_MILLIS) {
            lastPrinted = now;
            print(summary, now);
        }
    }

    void printFinal(RunSummary summary) {
        print(summary, System.currentTimeMillis());
    }

    private void print(RunSummary summary, long now) {
        StringBuilder line = new StringBuilder(String.format("[%5.0fs]", (now - startMillis) / 1000.0));
        summary.arms().forEach((arm, t) -> line.append(String.format(" %s: %,d events, %,d batches, p99 %,d ms, "
                + "%.1f DB ms/1k |", arm, t.events, t.batches, t.latencyPercentileMillis(99), t.dbMillisPer1kEvents())));
        if (expectedEvents > 0) {
            line.append(String.format(" (%,d events generated)", expectedEvents));
        }
        System.out.println(line);
    }
}
