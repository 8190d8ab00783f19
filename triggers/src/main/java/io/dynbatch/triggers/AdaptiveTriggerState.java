package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;

import java.io.IOException;

/**
 * How an {@link AdaptiveBatchTrigger} stores one key's state, and a cursor over the key (and window)
 * it is working on. Two keyed values, whose names and serializers checkpoints and savepoints depend
 * on:
 *
 * <ul>
 *   <li>{@value #BATCH_STATE} ({@code long[]}, {@link LongPrimitiveArraySerializer}): the {@link
 *       PendingBatch} ({@link PendingBatch#STATE_SIZE} longs), then {@link #plannedAt()}, {@link
 *       #deferredArrivals()}, {@link #plannedSize()}, {@link #plannedDeadline()} and {@link
 *       #predictedWriteMillis()} (the double's bits). The shorter arrays of earlier layouts are
 *       read too: {@code STATE_SIZE} longs as "not planned yet, nothing deferred, no planned size",
 *       {@code STATE_SIZE + 2} as "no planned size", {@code STATE_SIZE + 3} as "no planned deadline
 *       nor predicted write"; they are rewritten in the full layout.
 *   <li>{@value #LEARNING_STATE} ({@code double[]}, {@link DoublePrimitiveArraySerializer}): the
 *       {@link KeyLearning} ({@link KeyLearning#toArray()}).
 * </ul>
 *
 * <p>Both are written back into the arrays read from the state when these have the right size: the
 * array the backend returns is the caller's to overwrite (the heap backend hands out a private copy
 * while a snapshot still needs the old value, RocksDB a freshly deserialized one). Restoring a
 * {@code KeyLearning} costs a few allocations and a refit of the cost model, so the restored objects
 * are cached by the identity of the stored array: the heap backend returns the very array stored
 * last, overwritten in place, so an identical array means identical contents (a snapshot in
 * progress, or RocksDB, hands out another array, which is then restored as usual).
 *
 * <p>One instance per trigger instance (operator subtask); not thread-safe. Everything read stays
 * valid until the next {@link #readBatch}.
 */
final class AdaptiveTriggerState {

    static final String BATCH_STATE = "adaptive-batch";
    static final String LEARNING_STATE = "adaptive-learning";

    private static final int PLANNED_AT = PendingBatch.STATE_SIZE;
    private static final int DEFERRED = PLANNED_AT + 1;
    private static final int PLANNED_SIZE = PLANNED_AT + 2;
    private static final int PLANNED_DEADLINE = PLANNED_AT + 3;
    private static final int PREDICTED_WRITE = PLANNED_AT + 4;
    private static final int BATCH_LONGS = PLANNED_AT + 5;

    /** Slots of the learned-state cache (a power of two); a few keys per subtask is the norm. */
    private static final int CACHE_SLOTS = 64;

    private final AdaptivePolicy policy;
    private final double[][] cachedArrays = new double[CACHE_SLOTS][];
    private final KeyLearning[] cachedLearning = new KeyLearning[CACHE_SLOTS];

    private final PendingBatch batch = new PendingBatch();
    private ValueState<long[]> batchState;
    private long[] storedBatch;
    private long plannedAt;
    private long deferred;
    private long plannedSize;
    private long plannedDeadline;
    private double predictedWrite;

    private ValueState<double[]> learningState;
    private double[] storedLearning;
    private KeyLearning learning;

    AdaptiveTriggerState(AdaptivePolicy policy) {
        this.policy = policy;
    }

    static ValueStateDescriptor<long[]> batchDescriptor() {
        return new ValueStateDescriptor<>(BATCH_STATE, LongPrimitiveArraySerializer.INSTANCE);
    }

    static ValueStateDescriptor<double[]> learningDescriptor() {
        return new ValueStateDescriptor<>(LEARNING_STATE, DoublePrimitiveArraySerializer.INSTANCE);
    }

    /** Reads the current key's batch state and returns its batch (empty if none). */
    PendingBatch readBatch(ValueState<long[]> state) throws IOException {
        batchState = state;
        storedBatch = state.value();
        batch.readFrom(storedBatch, 0);
        boolean planned = storedBatch != null && storedBatch.length > DEFERRED;
        plannedAt = planned ? storedBatch[PLANNED_AT] : Long.MIN_VALUE;
        deferred = planned ? storedBatch[DEFERRED] : 0;
        plannedSize = storedBatch != null && storedBatch.length > PLANNED_SIZE
                ? storedBatch[PLANNED_SIZE]
                : FlushTarget.NO_VALUE;
        boolean full = storedBatch != null && storedBatch.length > PREDICTED_WRITE;
        plannedDeadline = full ? storedBatch[PLANNED_DEADLINE] : FlushTarget.NO_VALUE;
        predictedWrite = full ? Double.longBitsToDouble(storedBatch[PREDICTED_WRITE]) : Double.NaN;
        return batch;
    }

    /** The batch read last. */
    PendingBatch batch() {
        return batch;
    }

    /** When the batch was last planned (processing time), {@code Long.MIN_VALUE} if never. */
    long plannedAt() {
        return plannedAt;
    }

    /** Elements added since the last plan, without one, that are not in the learned arrival rate yet. */
    long deferredArrivals() {
        return deferred;
    }

    /** The size the last plan expected the batch to reach, or {@link FlushTarget#NO_VALUE}. */
    long plannedSize() {
        return plannedSize;
    }

    /** The last plan's deadline (processing time), or {@link FlushTarget#NO_VALUE}. */
    long plannedDeadline() {
        return plannedDeadline;
    }

    /** The last plan's predicted write time of a batch of {@link #plannedSize()}, or NaN. */
    double predictedWriteMillis() {
        return predictedWrite;
    }

    /** Counts {@code n} more events as added without a plan (see {@link #deferredArrivals()}). */
    void deferArrivals(long n) {
        deferred += n;
    }

    /** Records {@code plan}, made at {@code nowMillis}; the deferred arrivals are in it. */
    void planned(long nowMillis, FlushPlan plan) {
        plannedAt = nowMillis;
        deferred = 0;
        plannedSize = plan.expectedSize();
        plannedDeadline = plan.deadlineMillis();
        predictedWrite = plan.predictedWriteMillis();
    }

    /** Stores the batch and its plan bookkeeping. */
    void writeBatch() throws IOException {
        long[] out = storedBatch != null && storedBatch.length == BATCH_LONGS ? storedBatch : new long[BATCH_LONGS];
        batch.writeTo(out, 0);
        out[PLANNED_AT] = plannedAt;
        out[DEFERRED] = deferred;
        out[PLANNED_SIZE] = plannedSize;
        out[PLANNED_DEADLINE] = plannedDeadline;
        out[PREDICTED_WRITE] = Double.doubleToRawLongBits(predictedWrite);
        batchState.update(out);
        storedBatch = out;
    }

    /** Removes the batch state (the batch read stays readable). */
    void clearBatch() {
        batchState.clear();
        storedBatch = null;
    }

    /**
     * Reads the current key's learned state (fresh priors if none), with the batch's deferred
     * arrivals recorded in it at the time of the last plan: in the arrival rate up to a timer
     * tolerance earlier than they came (the rate's half-life is seconds), not in the arrival-age
     * estimate (none of them was the batch's oldest). Call after {@link #readBatch}; it leaves no
     * arrivals deferred.
     */
    KeyLearning readLearning(ValueState<double[]> state) throws IOException {
        learningState = state;
        storedLearning = state.value();
        if (storedLearning == null) {
            learning = policy.restore(null);
        } else {
            int slot = slot(storedLearning);
            if (cachedArrays[slot] != storedLearning) {
                cachedArrays[slot] = storedLearning;
                cachedLearning[slot] = policy.restore(storedLearning);
            }
            learning = cachedLearning[slot];
        }
        if (deferred > 0) {
            policy.onArrivalAt(learning, deferred, plannedAt, plannedAt);
            deferred = 0;
        }
        return learning;
    }

    /** Stores the learning read last. */
    void writeLearning() throws IOException {
        double[] out = learning.writeTo(storedLearning);
        learningState.update(out);
        if (out != storedLearning) {
            int slot = slot(out);
            cachedArrays[slot] = out;
            cachedLearning[slot] = learning;
            storedLearning = out;
        }
    }

    private static int slot(double[] stored) {
        return System.identityHashCode(stored) & (CACHE_SLOTS - 1);
    }
}
