package io.dynbatch.sim;

import io.dynbatch.triggers.policy.PendingBatch;

import java.util.Arrays;

/**
 * A shard's pending batch in the simulator: the policy's {@link PendingBatch} (count, first
 * arrival, oldest ingest, bytes, timer) plus the ingest times of its elements in groups, so that
 * every event's latency can be recorded exactly when the batch commits.
 */
public final class SimBatch {

    final PendingBatch state = new PendingBatch();
    private long[] groupIngest = new long[64];
    private long[] groupCount = new long[64];
    private int groups;

    void add(long n, long ingestMillis, long bytes, long nowMillis) {
        state.add(n, ingestMillis, bytes, nowMillis);
        if (groups > 0 && groupIngest[groups - 1] == ingestMillis) {
            groupCount[groups - 1] += n;
            return;
        }
        if (groups == groupIngest.length) {
            groupIngest = Arrays.copyOf(groupIngest, groups * 2);
            groupCount = Arrays.copyOf(groupCount, groups * 2);
        }
        groupIngest[groups] = ingestMillis;
        groupCount[groups] = n;
        groups++;
    }

    void reset() {
        state.reset();
        groups = 0;
    }

    public PendingBatch state() {
        return state;
    }

    public long count() {
        return state.count();
    }

    int groups() {
        return groups;
    }

    long groupIngest(int i) {
        return groupIngest[i];
    }

    long groupCount(int i) {
        return groupCount[i];
    }
}
