package io.dynbatch.triggers;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's trigger test harness around an {@link AdaptiveBatchTrigger} on the global window, with
 * the processing time set to {@code start} and read access to the trigger's state.
 */
class AdaptiveTriggerHarness extends TriggerTestHarness<String, GlobalWindow> {

    static final GlobalWindow WINDOW = GlobalWindow.get();

    AdaptiveTriggerHarness(AdaptiveBatchTrigger<String, GlobalWindow> trigger, long start) throws Exception {
        super(trigger, new GlobalWindow.Serializer());
        advanceProcessingTime(start);
    }

    /** One element ingested at {@code ingest}, arriving now. */
    TriggerResult add(long ingest) throws Exception {
        return processElement(new StreamRecord<>("k", ingest), WINDOW);
    }

    double[] learned() throws Exception {
        return stateBackend.getPartitionedState(WINDOW, windowSerializer,
                new ValueStateDescriptor<>("adaptive-learning", DoublePrimitiveArraySerializer.INSTANCE)).value();
    }

    long[] batchState() throws Exception {
        return stateBackend.getPartitionedState(WINDOW, windowSerializer,
                new ValueStateDescriptor<>("adaptive-batch", LongPrimitiveArraySerializer.INSTANCE)).value();
    }

    void storeBatchState(long[] state) throws Exception {
        stateBackend.getPartitionedState(WINDOW, windowSerializer,
                new ValueStateDescriptor<>("adaptive-batch", LongPrimitiveArraySerializer.INSTANCE)).update(state);
    }

    /** What a window function would find with {@link FlushTarget#take}, or null. */
    FlushTarget flushTarget() throws Exception {
        return stateBackend.getPartitionedState(WINDOW, windowSerializer, FlushTarget.descriptor()).value();
    }
}
