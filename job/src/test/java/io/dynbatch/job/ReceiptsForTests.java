package io.dynbatch.job;

import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.DeadLetterTable;
import io.dynbatch.job.sink.RetryPolicy;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sinks the integration tests give the pipeline: dead letters go to their table, as in the job,
 * and the receipts are kept for the test to run the job and collect them ({@code executeAndCollect}).
 */
final class ReceiptsForTests implements PipelineSinks {

    private final String deadLetterTable;
    private final DatabaseSettings database;
    private final RetryPolicy retryPolicy;
    private DataStream<BatchReceipt> receipts;

    ReceiptsForTests(String deadLetterTable, DatabaseSettings database, RetryPolicy retryPolicy) {
        this.deadLetterTable = Objects.requireNonNull(deadLetterTable, "deadLetterTable");
        this.database = Objects.requireNonNull(database, "database");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    @Override
    public void receipts(DataStream<BatchReceipt> r) {
        receipts = r;
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> d) {
        d.sinkTo(new DeadLetterTable(deadLetterTable).sink(database, retryPolicy)).name("dead-letters");
    }

    /** The receipt stream, once the workflow is defined. */
    DataStream<BatchReceipt> stream() {
        if (receipts == null) {
            throw new IllegalStateException("the workflow has not been defined with these sinks yet");
        }
        return receipts;
    }

    /** Runs the job as {@code jobName} to its end and returns every receipt. */
    List<BatchReceipt> runToEnd(String jobName) throws Exception {
        List<BatchReceipt> all = new ArrayList<>();
        try (CloseableIterator<BatchReceipt> it = stream().executeAndCollect(jobName)) {
            it.forEachRemaining(all::add);
        }
        return all;
    }
}
