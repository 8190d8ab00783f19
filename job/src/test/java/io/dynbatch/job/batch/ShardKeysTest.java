package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardKeysTest {

    @Test
    void everySubtaskOwnsAnEvenShareOfShardsAtAnyParallelism() {
        for (int shards : new int[] {1, 2, 3, 4, 6, 8, 16}) {
            ShardKeys keys = new ShardKeys(shards, 128);
            for (int p = 1; p <= shards; p++) {
                int[] owned = new int[p];
                for (int s = 0; s < shards; s++) {
                    owned[keys.subtaskOf(s, p)]++;
                }
                for (int n : owned) {
                    assertThat(n).as("shards=%d p=%d", shards, p).isBetween(shards / p, (shards + p - 1) / p);
                }
            }
        }
    }

    @Test
    void aRowAlwaysMapsToTheSameShardAndKeysAreDistinct() {
        ShardKeys keys = new ShardKeys(8, 128);
        ClickEvent e = new ClickEvent(1, "/p/3", "view", 1, 0);
        ClickEvent sameRowLater = new ClickEvent(2, "/p/3", "view", 9, 3_600_000);
        assertThat(keys.shardOf(e)).isEqualTo(keys.shardOf(sameRowLater));
        Set<Integer> distinct = new HashSet<>();
        for (int s = 0; s < 8; s++) {
            distinct.add(keys.keyOf(s));
            assertThat(keys.shardOfKey(keys.keyOf(s))).isEqualTo(s);
        }
        assertThat(distinct).hasSize(8);
    }

    @Test
    void rejectsImpossibleShardCounts() {
        assertThatThrownBy(() -> new ShardKeys(0, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShardKeys(129, 128)).isInstanceOf(IllegalArgumentException.class);
    }
}
