package io.dynbatch.job.sink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The write path's metrics of one arm and subtask ({@code dynbatch.arm.<arm>.*}): events and rows
 * written, transactions, retries, rows refused, database time and its distribution per commit,
 * commits (groups), row totals pruned, and the outage gauges of its transactions.
 */
final class CommitMetrics {

    private final Counter eventsWritten;
    private final Counter rowsWritten;
    private final Counter transactions;
    private final Counter retries;
    private final Counter dbMillis;
    private final Histogram writeMillis;
    private final Counter rejectedRows;
    private final Counter commitGroups;
    private final Counter prunedRows;

    CommitMetrics(MetricGroup group, RetryingTransactions writes) {
        eventsWritten = group.counter("eventsWritten");
        rowsWritten = group.counter("rowsWritten");
        transactions = group.counter("transactions");
        retries = group.counter("writeRetries");
        dbMillis = group.counter("dbMillis");
        writeMillis = group.histogram("writeMillis", new DescriptiveStatisticsHistogram(1024));
        rejectedRows = group.counter("rejectedRows");
        commitGroups = group.counter("commitGroups");
        prunedRows = group.counter("prunedRows");
        OutageGauges.register(group, writes);
    }

    /** Counts one commit (of a group or a single batch) and the row totals pruned after it. */
    void record(BatchCommitter.Result result, int pruned) {
        long tookMillis = result.tookNanos / 1_000_000;
        eventsWritten.inc(result.eventsWritten);
        rowsWritten.inc(result.rowsWritten);
        transactions.inc(result.outcome.transactions);
        retries.inc(result.outcome.retries);
        rejectedRows.inc(result.outcome.rejected.size());
        dbMillis.inc(tookMillis);
        writeMillis.update(tookMillis);
        commitGroups.inc();
        prunedRows.inc(pruned);
    }
}
