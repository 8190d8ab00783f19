package io.dynbatch.job.batch;

import org.apache.flink.api.java.functions.KeySelector;

/** Keys a pre-compacted bundle by its shard's key (see {@link ShardKeys}), as {@link ShardKeySelector} keys its events. */
public final class ShardBundleKeySelector implements KeySelector<ShardBundle, Integer> {

    private static final long serialVersionUID = 1L;

    private final ShardKeys shardKeys;

    public ShardBundleKeySelector(ShardKeys shardKeys) {
        this.shardKeys = shardKeys;
    }

    @Override
    public Integer getKey(ShardBundle bundle) {
        return shardKeys.keyOf(bundle.shard);
    }
}
