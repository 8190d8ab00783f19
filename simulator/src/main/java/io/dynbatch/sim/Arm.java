package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import java.util.function.LongSupplier;

/**
 * A batching policy under test, as the simulator drives it: the same decisions a Flink batching
 * trigger makes for each key (shard), without Flink. An arm is a description; {@link #start} gives
 * the per-run state.
 */
public interface Arm {

    /** Short name used in tables, e.g. {@code adaptive} or {@code static(5000,1000ms)}. */
    String name();

    /** {@code adaptive}, {@code static}, or {@code bound} for the clairvoyant reference. */
    String kind();

    /** Static size limit, or the adaptive maxSize. */
    long maxSize();

    /** Static delay, or the adaptive maxDelay, in ms. */
    long maxDelayMillis();

    /**
     * Fresh state for one run of {@code scenario}; {@code clock} is the simulated time in ms. Real
     * policies use only the scenario's shard count; {@link ClairvoyantArm} reads all of it.
     */
    Run start(Scenario scenario, LongSupplier clock);

    /** The per-run decisions. Every method is called at the current simulated time. */
    interface Run {

        /** How many more elements {@code shard}'s batch may take before it must flush on size (>= 1). */
        long room(int shard, SimBatch batch);

        /**
         * {@code added} elements ingested at {@code ingestMillis} were just added to the batch. Returns
         * the reason to flush now, or {@code null} to wait; when waiting, the batch's timer must be set.
         */
        FlushReason afterAdd(int shard, SimBatch batch, long added, long ingestMillis);

        /**
         * The batch's timer fired (possibly late: now may be after its due time). Returns the reason to
         * flush now, or {@code null} if the timer was re-armed.
         */
        FlushReason onTimer(int shard, SimBatch batch);

        /** The shard's batch of {@code size} elements was committed; its write took {@code writeMillis}. */
        void onCommitted(int shard, long size, double writeMillis);

        /**
         * As {@link #onCommitted(int, long, double)}, for a batch committed in one transaction with
         * other shards' batches (group commit): {@code writeMillis} is its share of the write time,
         * {@code transactionMillis} the whole transaction's. Arms that do not learn from it ignore
         * the transaction's time.
         */
        default void onCommitted(int shard, long size, double writeMillis, double transactionMillis) {
            onCommitted(shard, size, writeMillis);
        }
    }
}
