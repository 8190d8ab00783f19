package io.dynbatch.job.sink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The write path's metrics of one arm and subtask ({@code dynbatch.arm.<arm>.*}): events and rows
 * written, transactions, retries, rows refused, database time and its distribution per commit.
 */
final class CommitMetrics {

    private final Counter eventsWritten;
    private final Counter rowsWritten;
    private final Counter transactions;
    private final Counter retries;
    private final Counter dbMillis;
    private final Histogram writeMillis;
    private final Counter rejectedRows;

    CommitMetrics(MetricGroup group) {
        eventsWritten = group.counter("eventsWritten");
        rowsWritten = group.counter("rowsWritten");
        transactions = group.counter("transactions");
        retries = group.counter("writeRetries");
        dbMillis = group.counter("dbMillis");
        writeMillis = group.histogram("writeMillis", new DescriptiveStatisticsHistogram(1024));
        rejectedRows = group.counter("rejectedRows");
    }

    /** Counts one commit. */
    void record(BatchCommitter.Result result) {
        long tookMillis = result.tookNanos / 1_000_000;
        eventsWritten.inc(result.eventsWritten);
        rowsWritten.inc(result.rowsWritten);
        transactions.inc(result.outcome.transactions);
        retries.inc(result.outcome.retries);
        rejectedRows.inc(result.outcome.rejected.size());
        dbMillis.inc(tookMillis);
        writeMillis.update(tookMillis);
    }
}
