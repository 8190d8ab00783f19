package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.java.functions.KeySelector;

/** Keys a click event by its row's shard key (see {@link ShardKeys}). */
public final class ShardKeySelector implements KeySelector<ClickEvent, Integer> {

    private static final long serialVersionUID = 1L;

    private final ShardKeys shardKeys;

    public ShardKeySelector(ShardKeys shardKeys) {
        this.shardKeys = shardKeys;
    }

    @Override
    public Integer getKey(ClickEvent event) {
        return shardKeys.keyOf(shardKeys.shardOf(event));
    }
}
