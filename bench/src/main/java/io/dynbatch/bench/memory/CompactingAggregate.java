package io.dynbatch.bench.memory;

import io.dynbatch.job.batch.CompactedBatch;
import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The window contents the job had before it kept events in list state: each pending batch
 * compacted as it arrives into one {@link CompactedBatch} aggregate. Small on the heap, but on RocksDB
 * every event reads and rewrites the whole accumulator. Kept here only as a point of comparison.
 */
final class CompactingAggregate implements AggregateFunction<ClickEvent, CompactedBatch, CompactedBatch> {

    private static final long serialVersionUID = 1L;

    @Override
    public CompactedBatch createAccumulator() {
        return new CompactedBatch();
    }

    @Override
    public CompactedBatch add(ClickEvent event, CompactedBatch batch) {
        batch.add(event);
        return batch;
    }

    @Override
    public CompactedBatch getResult(CompactedBatch batch) {
        return batch;
    }

    @Override
    public CompactedBatch merge(CompactedBatch a, CompactedBatch b) {
        a.addAll(b);
        return a;
    }
}
