package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Compacts a batch's events into per-row counts as they arrive, so window state grows with the
 * number of distinct rows in the batch, not with the number of events.
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
