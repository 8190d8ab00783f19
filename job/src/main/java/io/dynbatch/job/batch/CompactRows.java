package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Compacts a batch's events into per-row counts and run-length ingest times as they arrive
 * ({@link PendingBatch}), so window state holds a count per distinct row and at most one 4-byte
 * ingest-time run per event, not the events themselves.
 */
public class CompactRows implements AggregateFunction<ClickEvent, PendingBatch, PendingBatch> {

    private static final long serialVersionUID = 1L;

    @Override
    public PendingBatch createAccumulator() {
        return new PendingBatch();
    }

    @Override
    public PendingBatch add(ClickEvent event, PendingBatch batch) {
        batch.add(event);
        return batch;
    }

    @Override
    public PendingBatch getResult(PendingBatch batch) {
        return batch;
    }

    @Override
    public PendingBatch merge(PendingBatch a, PendingBatch b) {
        a.addAll(b);
        return a;
    }
}
