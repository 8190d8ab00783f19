package io.dynbatch.triggers;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The channel through which the window function tells an {@link AdaptiveBatchTrigger} what a write
 * cost. Window functions normally go through the trigger's {@link BatchFeedback} handle, whose
 * {@code record} calls this only if the trigger learns costs; directly, after committing a batch:
 *
 * <pre>{@code
 * SinkFeedback.record(context.windowState(), batchSize, writeMillis);
 * }</pre>
 *
 * <p>This writes one sample into <em>window-scoped</em> keyed state. Flink's window operator gives
 * the window function's {@code windowState()} and the trigger's {@code getPartitionedState} the same
 * key and window namespace, so the trigger finds the sample at its next call for that key and folds
 * it into its learned cost model (and then removes it). Being keyed state, an unconsumed sample is
 * checkpointed with the batch it describes. The state is O(1): a sample count and three sums.
 *
 * <p>{@code batchSize} is the number of elements the trigger counted for the batch (events before
 * any compaction, the quantity the trigger controls), not the rows written after compaction. With
 * group commit a batch is written in one transaction with other keys' batches: {@code writeTime} is
 * then the batch's share of the transaction's time, and {@code transactionTime} the whole
 * transaction's, which the batch's elements waited for (for a batch that is its own transaction
 * the two are equal).
 */
public final class SinkFeedback {

    /** Name of the window-scoped state holding unconsumed samples. */
    public static final String STATE_NAME = "dynbatch-sink-feedback";

    private SinkFeedback() {}

    /**
     * A new descriptor of the feedback state: {@code long[]{samples, sumBatchSize, sumWriteMicros,
     * sumTransactionMicros}} (a state of three, written before transactions were reported, is read
     * with the transaction time equal to the write time).
     */
    public static ValueStateDescriptor<long[]> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, LongPrimitiveArraySerializer.INSTANCE);
    }

    /**
     * Records that a batch of {@code batchSize} elements took {@code writeMillis} to commit.
     *
     * @param windowState {@code ProcessWindowFunction.Context#windowState()} of the fired window
     * @throws IllegalArgumentException if {@code batchSize} or {@code writeMillis} is negative
     */
    public static void record(KeyedStateStore windowState, long batchSize, long writeMillis) throws IOException {
        if (writeMillis < 0) {
            throw new IllegalArgumentException("writeMillis must be >= 0, got " + writeMillis);
        }
        recordMicros(windowState, batchSize, Math.multiplyExact(writeMillis, 1000L));
    }

    /** As {@link #record(KeyedStateStore, long, long)}, with sub-millisecond precision. */
    public static void record(KeyedStateStore windowState, long batchSize, Duration writeTime) throws IOException {
        record(windowState, batchSize, writeTime, writeTime);
    }

    /**
     * Records that a batch of {@code batchSize} elements was charged {@code writeTime} of a
     * transaction that took {@code transactionTime} to commit (group commit; {@code transactionTime
     * >= writeTime}).
     *
     * @throws IllegalArgumentException if a value is negative, or the transaction shorter than the write
     */
    public static void record(KeyedStateStore windowState, long batchSize, Duration writeTime, Duration transactionTime)
            throws IOException {
        Objects.requireNonNull(writeTime, "writeTime");
        Objects.requireNonNull(transactionTime, "transactionTime");
        if (writeTime.isNegative()) {
            throw new IllegalArgumentException("writeTime must be >= 0, got " + writeTime);
        }
        if (transactionTime.compareTo(writeTime) < 0) {
            throw new IllegalArgumentException(
                    "transactionTime (" + transactionTime + ") must be >= writeTime (" + writeTime + ")");
        }
        recordMicros(windowState, batchSize, writeTime.toNanos() / 1000L, transactionTime.toNanos() / 1000L);
    }

    private static void recordMicros(KeyedStateStore windowState, long batchSize, long writeMicros) throws IOException {
        recordMicros(windowState, batchSize, writeMicros, writeMicros);
    }

    private static void recordMicros(KeyedStateStore windowState, long batchSize, long writeMicros,
            long transactionMicros) throws IOException {
        Objects.requireNonNull(windowState, "windowState");
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 0, got " + batchSize);
        }
        ValueState<long[]> state = windowState.getState(descriptor());
        long[] sums = state.value();
        long[] next = sums == null
                ? new long[] {1, batchSize, writeMicros, transactionMicros}
                : new long[] {sums[0] + 1, sums[1] + batchSize, sums[2] + writeMicros,
                    transactionSum(sums) + transactionMicros};
        state.update(next);
    }

    /** The sum of transaction times of {@code sums}; a state of three has them equal to the write times. */
    private static long transactionSum(long[] sums) {
        return sums.length > 3 ? sums[3] : sums[2];
    }

    /**
     * Removes and returns the unconsumed samples as {@code {samples, meanBatchSize, meanWriteMillis,
     * meanTransactionMillis}}, or {@code null} if there are none.
     */
    static double[] take(ValueState<long[]> state) throws IOException {
        long[] sums = state.value();
        if (sums == null) {
            return null;
        }
        state.clear();
        if ((sums.length != 3 && sums.length != 4) || sums[0] <= 0) {
            return null;
        }
        return new double[] {sums[0], (double) sums[1] / sums[0], sums[2] / 1000.0 / sums[0],
            transactionSum(sums) / 1000.0 / sums[0]};
    }
}
