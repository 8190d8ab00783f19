package io.dynbatch.bench.memory;

import io.dynbatch.job.batch.PendingBatch;
import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The window contents the job had before it kept events in list state: each pending batch
 * compacted as it arrives into one {@link PendingBatch} aggregate. Small on the heap, but on RocksDB
 * every event reads and rewrites the whole accumulator. Kept here only as a point of comparison.
 */
final class CompactingAggregate implements AggregateFunction<ClickEvent, PendingBatch, PendingBatch> {

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
