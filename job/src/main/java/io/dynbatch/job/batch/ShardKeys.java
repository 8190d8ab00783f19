package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps each aggregated row to one of a fixed number of shards, and each shard to the integer key
 * the stream is keyed by.
 *
 * <p>Rows go to shards by a stable hash of (page, event type), so a row's running total always
 * lives in one shard's keyed state. The shard count is configuration, not derived from
 * parallelism: rescaling the job moves whole shards between subtasks and never splits a row.
 *
 * <p>Shard keys are chosen so their key groups are evenly spaced over {@code [0, maxParallelism)}:
 * shard {@code s} gets a key in the key group at the middle of its share, {@code (s + 1/2) *
 * maxParallelism / shards}. Since Flink assigns
 * contiguous key-group ranges to subtasks, every parallelism {@code p <= shards} gives every
 * subtask {@code floor(shards/p)} or {@code ceil(shards/p)} shards, where plain hashed keys can
 * leave a subtask with none and another with several.
 */
public final class ShardKeys implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxParallelism;
    private final int[] keys;
    /** Stream key -> shard: {@link #shardOfKey} runs for every fired batch. */
    private final Map<Integer, Integer> shardByKey;

    public ShardKeys(int shards, int maxParallelism) {
        if (shards <= 0 || shards > maxParallelism) {
            throw new IllegalArgumentException(
                    "shards must be in [1, maxParallelism=" + maxParallelism + "], got " + shards);
        }
        this.maxParallelism = maxParallelism;
        this.keys = new int[shards];
        for (int s = 0; s < shards; s++) {
            keys[s] = smallestKeyInGroup((int) ((2L * s + 1) * maxParallelism / (2L * shards)), maxParallelism);
        }
        this.shardByKey = new HashMap<>(2 * shards);
        for (int s = 0; s < shards; s++) {
            shardByKey.put(keys[s], s);
        }
    }

    private static int smallestKeyInGroup(int keyGroup, int maxParallelism) {
        for (int candidate = 0; ; candidate++) {
            if (KeyGroupRangeAssignment.assignToKeyGroup(candidate, maxParallelism) == keyGroup) {
                return candidate;
            }
        }
    }

    public int shards() {
        return keys.length;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    /** The shard of the row the event belongs to. */
    public int shardOf(ClickEvent e) {
        int h = 31 * e.page.hashCode() + e.eventType.hashCode();
        return Math.floorMod(h ^ (h >>> 16), keys.length);
    }

    /** The stream key of {@code shard}. */
    public int keyOf(int shard) {
        return keys[shard];
    }

    /** The shard whose stream key is {@code key}. */
    public int shardOfKey(int key) {
        Integer shard = shardByKey.get(key);
        if (shard == null) {
            throw new IllegalArgumentException("not a shard key: " + key);
        }
        return shard;
    }

    /** The subtask that owns {@code shard} at the given parallelism. */
    public int subtaskOf(int shard, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(keys[shard], maxParallelism, parallelism);
    }
}
