package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AdaptiveTriggerState}: the stored layout that checkpoints depend on, read and written. */
class AdaptiveTriggerStateTest {

    /** A value state in memory, returning the very array stored (as the heap backend does). */
    private static final class Value<V> implements ValueState<V> {
        V value;

        @Override
        public V value() {
            return value;
        }

        @Override
        public void update(V v) {
            value = v;
        }

        @Override
        public void clear() {
            value = null;
        }
    }

    private final AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
    private final AdaptiveTriggerState state = new AdaptiveTriggerState(new AdaptivePolicy(config));

    @Test
    void theDescriptorsKeepTheirNamesAndSerializers() {
        assertThat(AdaptiveTriggerState.batchDescriptor().getName()).isEqualTo("adaptive-batch");
        assertThat(AdaptiveTriggerState.batchDescriptor().getSerializer())
                .isInstanceOf(LongPrimitiveArraySerializer.class);
        assertThat(AdaptiveTriggerState.learningDescriptor().getName()).isEqualTo("adaptive-learning");
        assertThat(AdaptiveTriggerState.learningDescriptor().getSerializer())
                .isInstanceOf(DoublePrimitiveArraySerializer.class);
    }

    @Test
    void writesThePendingBatchThenPlannedAtDeferredAndThePlanInPlace() throws Exception {
        Value<long[]> stored = new Value<>();
        PendingBatch batch = state.readBatch(stored);
        assertThat(batch.isEmpty()).isTrue();
        assertThat(state.plannedAt()).isEqualTo(Long.MIN_VALUE);
        assertThat(state.plannedSize()).isEqualTo(FlushTarget.NO_VALUE);
        assertThat(state.plannedDeadline()).isEqualTo(FlushTarget.NO_VALUE);
        assertThat(state.predictedWriteMillis()).isNaN();

        batch.add(3, 90, 300, 100);
        batch.setTimer(500, FlushPlan.Bound.MAX_DELAY);
        state.planned(100, new FlushPlan(50, 480, 42, 12.5, FlushPlan.Bound.MAX_DELAY));
        state.deferArrivals(1);
        state.writeBatch();
        long[] written = stored.value();
        assertThat(written).containsExactly(3, 100, 90, 300, 500, FlushPlan.Bound.MAX_DELAY.ordinal(), 100, 1, 42, 480,
                Double.doubleToRawLongBits(12.5));
        state.readBatch(stored);
        assertThat(state.plannedSize()).isEqualTo(42);
        assertThat(state.plannedDeadline()).isEqualTo(480);
        assertThat(state.predictedWriteMillis()).isEqualTo(12.5);

        state.readBatch(stored).add(1, 95, 100, 100);
        state.writeBatch();
        assertThat(stored.value()).isSameAs(written).startsWith(4);
        assertThat(state.readBatch(stored).count()).isEqualTo(4);
        assertThat(state.deferredArrivals()).isEqualTo(1);
    }

    @Test
    void readsTheShorterLayouts() throws Exception {
        Value<long[]> stored = new Value<>();
        stored.update(new long[] {2, 100, 90, 200, 500, 0}); // the batch only
        assertThat(state.readBatch(stored).count()).isEqualTo(2);
        assertThat(state.plannedAt()).isEqualTo(Long.MIN_VALUE);
        assertThat(state.deferredArrivals()).isZero();
        assertThat(state.plannedSize()).isEqualTo(FlushTarget.NO_VALUE);

        stored.update(new long[] {2, 100, 90, 200, 500, 0, 100, 1}); // without the planned size
        assertThat(state.readBatch(stored).count()).isEqualTo(2);
        assertThat(state.plannedAt()).isEqualTo(100);
        assertThat(state.deferredArrivals()).isEqualTo(1);
        assertThat(state.plannedSize()).isEqualTo(FlushTarget.NO_VALUE);
        state.writeBatch();
        assertThat(stored.value()).hasSize(PendingBatch.STATE_SIZE + 5);

        stored.update(new long[] {2, 100, 90, 200, 500, 0, 100, 1, 7}); // without deadline and predicted write
        state.readBatch(stored);
        assertThat(state.plannedSize()).isEqualTo(7);
        assertThat(state.plannedDeadline()).isEqualTo(FlushTarget.NO_VALUE);
        assertThat(state.predictedWriteMillis()).isNaN();
    }

    @Test
    void learningIsCachedByTheStoredArrayAndGetsTheDeferredArrivals() throws Exception {
        Value<long[]> batchState = new Value<>();
        Value<double[]> learned = new Value<>();
        state.readBatch(batchState);
        KeyLearning first = state.readLearning(learned);
        state.writeLearning();
        double[] array = learned.value();
        assertThat(array).hasSize(KeyLearning.STATE_SIZE);

        state.readBatch(batchState).add(1, 100, 10, 100);
        state.planned(100, new FlushPlan(1, 200, 1, 1.0, FlushPlan.Bound.LATENCY));
        state.deferArrivals(1);
        state.deferArrivals(1);
        KeyLearning second = state.readLearning(learned);
        assertThat(second).isSameAs(first);
        assertThat(state.deferredArrivals()).isZero();
        assertThat(second.arrivalsPerMilli(100)).isGreaterThan(0);
        state.writeLearning();
        assertThat(learned.value()).isSameAs(array);

        learned.update(array.clone()); // another array (a snapshot in progress, RocksDB): restored anew
        state.readBatch(batchState);
        KeyLearning restored = state.readLearning(learned);
        assertThat(restored).isNotSameAs(first);
        assertThat(restored.toArray()).containsExactly(first.toArray());
    }
}
