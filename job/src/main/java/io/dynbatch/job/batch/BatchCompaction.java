package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import java.io.Serializable;

/**
 * How a window function turns a fired window's contents into one {@link CompactedBatch}: from the
 * events themselves, or by merging the shard's pre-compacted {@link ShardBundle}s. One pass over
 * the contents, once per batch.
 *
 * @param <IN> the window's element type
 */
@FunctionalInterface
public interface BatchCompaction<IN> extends Serializable {

    CompactedBatch compact(Iterable<IN> contents);

    /** The window holds the events. */
    static BatchCompaction<ClickEvent> ofEvents() {
        return CompactedBatch::of;
    }

    /** The window holds pre-compacted bundles. */
    static BatchCompaction<ShardBundle> ofBundles() {
        return ShardBundle::merge;
    }
}
