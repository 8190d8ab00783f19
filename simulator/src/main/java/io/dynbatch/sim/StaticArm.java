package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.policy.FlushPlan;

import java.util.function.LongSupplier;

/**
 * The static policy of {@code StaticBatchTrigger}: flush at {@code size} elements or {@code delay}
 * after the batch's first element arrived, whichever comes first.
 *
 * @param maxSize size limit
 * @param maxDelayMillis delay from the first element
 */
public record StaticArm(long maxSize, long maxDelayMillis) implements Arm {

    public StaticArm {
        if (maxSize <= 0 || maxDelayMillis <= 0) {
            throw new IllegalArgumentException("size and delay must be > 0");
        }
    }

    @Override
    public String name() {
        return "static(" + maxSize + "," + maxDelayMillis + "ms)";
    }

    @Override
    public String kind() {
        return "static";
    }

    @Override
    public Run start(Scenario scenario, LongSupplier clock) {
        return new Run() {
            @Override
            public long room(int shard, SimBatch batch) {
                return Math.max(1, maxSize - batch.count());
            }

            @Override
            public FlushReason afterAdd(int shard, SimBatch batch, long added, long ingestMillis) {
                if (batch.count() >= maxSize) {
                    return FlushReason.SIZE;
                }
                if (!batch.state().hasTimer()) {
                    batch.state().setTimer(batch.state().firstArrivalMillis() + maxDelayMillis, FlushPlan.Bound.MAX_DELAY);
                }
                return null;
            }

            @Override
            public FlushReason onTimer(int shard, SimBatch batch) {
                return FlushReason.MAX_DELAY;
            }

            @Override
            public void onCommitted(int shard, long size, double writeMillis) {}
        };
    }
}
