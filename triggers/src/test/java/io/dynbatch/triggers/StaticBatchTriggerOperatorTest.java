package io.dynbatch.triggers;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StaticBatchTrigger} inside Flink's real window operator, on a keyed operator test harness:
 * per-key batches, and a pending batch that survives a checkpoint and restore.
 */
class StaticBatchTriggerOperatorTest {

    private static final KeySelector<String, String> KEY = s -> s.substring(0, 1);

    /** Builds the window operator the DataStream API would build and wraps it in a harness. */
    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, String, Long> harness(
            StaticBatchTrigger<String, GlobalWindow> trigger) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Long> counts = env.fromData("x")
                .keyBy(KEY)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .aggregate(new CountElements());
        OneInputTransformation<String, Long> transformation =
                (OneInputTransformation<String, Long>) counts.getTransformation();
        return new KeyedOneInputStreamOperatorTestHarness<>(transformation.getOperatorFactory(), KEY, Types.STRING);
    }

    @Test
    void batchesEachKeySeparately() throws Exception {
        try (var h = harness(StaticBatchTrigger.of(2, Duration.ofSeconds(1)))) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>("a1", 0));
            h.processElement(new StreamRecord<>("b1", 0));
            h.processElement(new StreamRecord<>("a2", 0)); // key a reaches size 2
            assertThat(h.extractOutputValues()).containsExactly(2L);

            h.setProcessingTime(1000); // key b's batch times out
            assertThat(h.extractOutputValues()).containsExactly(2L, 1L);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void pendingBatchSurvivesCheckpointAndRestore() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.of(100, Duration.ofMillis(500));
        OperatorSubtaskState snapshot;
        try (var h = harness(trigger)) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>("a" + i, 0));
            }
            snapshot = h.snapshot(1L, 100L);
            assertThat(h.extractOutputValues()).isEmpty();
        }

        try (var restored = harness(trigger)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(100);
            restored.processElement(new StreamRecord<>("a3", 0)); // joins the restored batch
            assertThat(restored.numProcessingTimeTimers()).isEqualTo(1);

            restored.setProcessingTime(500); // the restored timer (first element at t=0) fires
            assertThat(restored.extractOutputValues()).containsExactly(4L);
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void restoredBatchFlushesAtEndOfInput() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.of(100, Duration.ofHours(1));
        OperatorSubtaskState snapshot;
        try (var h = harness(trigger)) {
            h.open();
            h.processElement(new StreamRecord<>("a0", 0));
            h.processElement(new StreamRecord<>("b0", 0));
            snapshot = h.snapshot(1L, 100L);
        }
        try (var restored = harness(trigger)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(Long.MAX_VALUE);
            assertThat(restored.extractOutputValues()).containsExactlyInAnyOrder(1L, 1L);
            assertThat(restored.numKeyedStateEntries()).isZero();
            assertThat(restored.numEventTimeTimers()).isZero();
        }
    }

    /** Counts the elements of a batch. */
    static final class CountElements implements AggregateFunction<String, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(String value, Long acc) {
            return acc + 1;
        }

        @Override
        public Long getResult(Long acc) {
            return acc;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }
}
