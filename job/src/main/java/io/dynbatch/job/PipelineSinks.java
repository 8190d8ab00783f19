package io.dynbatch.job;

import io.dynbatch.job.model.ArmIntervalReport;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the pipeline's outputs go besides the totals table; the caller (main, a test, a benchmark)
 * decides, so the same workflow runs everywhere.
 */
public interface PipelineSinks {

    /** One receipt per committed batch. */
    void receipts(DataStream<BatchReceipt> receipts);

    /** Every refused record, with its reason. */
    void deadLetters(DataStream<DeadLetter> deadLetters);

    /**
     * The A/B comparison, one report per arm and interval. Left unconnected by default (Flink then
     * does not run the comparator).
     */
    default void abReports(DataStream<ArmIntervalReport> reports) {}
}
