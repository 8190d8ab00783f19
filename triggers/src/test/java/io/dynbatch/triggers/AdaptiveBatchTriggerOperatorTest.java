package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AdaptiveBatchTrigger} inside Flink's real window operator: what the window function reports
 * through the trigger's {@link BatchFeedback} (or the static {@link SinkFeedback} it wraps) reaches
 * the trigger through window-scoped state and changes its plan, and the batch and the learned cost
 * survive a checkpoint and restore.
 */
class AdaptiveBatchTriggerOperatorTest {

    private static final KeySelector<String, String> KEY = s -> s.substring(0, 1);
    private static final long START = 1_000_000L;
    /** A fresh key's first element, ingested on arrival at {@code t}, is due at {@code t + 1879}. */
    private static final long FRESH_WAIT = 1_879;

    /** Builds the window operator the DataStream API would build and wraps it in a harness. */
    private static KeyedOneInputStreamOperatorTestHarness<String, String, Long> harness(long reportedWriteMillis)
            throws Exception {
        return harness(feedback -> new WriteAndReport(reportedWriteMillis, feedback));
    }

    /** The window function is built with the feedback handle of the trigger that fires it. */
    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, String, Long> harness(
            Function<BatchFeedback, ProcessWindowFunction<String, Long, String, GlobalWindow>> windowFunction)
            throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger =
                AdaptiveBatchTrigger.<String, GlobalWindow>of(AdaptivePolicyConfig.defaults())
                        .withMetricsScope("adaptive")
                        .withFlushTarget();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Long> sizes = env.fromData("x")
                .keyBy(KEY)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .process(windowFunction.apply(trigger.feedback()));
        OneInputTransformation<String, Long> transformation =
                (OneInputTransformation<String, Long>) sizes.getTransformation();
        return new KeyedOneInputStreamOperatorTestHarness<>(transformation.getOperatorFactory(), KEY, Types.STRING);
    }

    /** Feeds one batch per key at {@code t}, ingested at {@code t}, and flushes it at its timer. */
    private static void batchAt(KeyedOneInputStreamOperatorTestHarness<String, String, Long> h, long t, long wait)
            throws Exception {
        h.setProcessingTime(t);
        h.processElement(new StreamRecord<>("a" + t, t));
        h.setProcessingTime(t + wait);
    }

    @ParameterizedTest(name = "static helpers: {0}")
    @ValueSource(booleans = {false, true})
    void feedbackThroughWindowStateMovesTheDeadline(boolean staticHelpers) throws Exception {
        try (var cheap = harness(feedback -> staticHelpers ? new WriteAndReportStatic(0) : new WriteAndReport(0, feedback));
                var costly = harness(
                        feedback -> staticHelpers ? new WriteAndReportStatic(500) : new WriteAndReport(500, feedback))) {
            cheap.open();
            costly.open();
            // first batch of each: only the prior is known, so both flush at the same time
            batchAt(cheap, START, FRESH_WAIT);
            batchAt(costly, START, FRESH_WAIT);
            assertThat(cheap.extractOutputValues()).containsExactly(1L);
            assertThat(costly.extractOutputValues()).containsExactly(1L);

            // the costly sink reported 500 ms: its next batch is planned ~400 ms earlier
            long t = START + 10_000;
            cheap.setProcessingTime(t);
            costly.setProcessingTime(t);
            cheap.processElement(new StreamRecord<>("a1", t));
            costly.processElement(new StreamRecord<>("a1", t));
            cheap.setProcessingTime(t + FRESH_WAIT - 300);
            costly.setProcessingTime(t + FRESH_WAIT - 300);
            assertThat(cheap.extractOutputValues()).hasSize(1);
            assertThat(costly.extractOutputValues()).hasSize(2);
            cheap.setProcessingTime(t + FRESH_WAIT + 20);
            assertThat(cheap.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void theWindowFunctionReadsTheSizePlannedForTheBatchItFires() throws Exception {
        try (var h = harness(EmitPlannedSize::new)) {
            h.open();
            h.setProcessingTime(START);
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>("a" + i, START));
            }
            h.setProcessingTime(START + FRESH_WAIT);
            // planned at the batch's first element, from what had arrived by then: at least that
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.extractOutputValues().get(0)).isGreaterThanOrEqualTo(1L);
            // taken by the window function: only the learned state is left
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);

            h.processWatermark(Long.MAX_VALUE); // nothing pending: no batch, no planned size
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void batchesEachKeySeparatelyAndLeavesOnlyLearnedStateAfterFlushing() throws Exception {
        try (var h = harness(10)) {
            h.open();
            h.setProcessingTime(START);
            h.processElement(new StreamRecord<>("a1", START));
            h.processElement(new StreamRecord<>("b1", START - 1_000)); // b: 1 s spent upstream
            h.processElement(new StreamRecord<>("a2", START));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);

            h.setProcessingTime(START + FRESH_WAIT - 1_000);
            assertThat(h.extractOutputValues()).containsExactly(1L); // b first
            h.setProcessingTime(START + FRESH_WAIT);
            assertThat(h.extractOutputValues()).containsExactly(1L, 2L);

            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // per key: the learned state and the window function's not yet consumed feedback
            assertThat(h.numKeyedStateEntries()).isEqualTo(4);
        }
    }

    @Test
    void pendingBatchAndLearnedCostSurviveCheckpointAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(600)) {
            h.open();
            batchAt(h, START, FRESH_WAIT); // learns: writes take 600 ms
            long t = START + 10_000;
            h.setProcessingTime(t);
            h.processElement(new StreamRecord<>("a1", t)); // pending, planned with the learned cost
            snapshot = h.snapshot(1L, t);
            assertThat(h.extractOutputValues()).hasSize(1);
        }

        try (var restored = harness(600)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            long t = START + 10_000;
            restored.setProcessingTime(t + 1);
            assertThat(restored.numProcessingTimeTimers()).isEqualTo(1);
            // the restored timer reflects the learned cost: well before the prior-only deadline
            restored.setProcessingTime(t + FRESH_WAIT - 400);
            assertThat(restored.extractOutputValues()).containsExactly(1L);

            // a new batch after the restore still uses the learned cost
            long u = t + 10_000;
            restored.setProcessingTime(u);
            restored.processElement(new StreamRecord<>("a2", u));
            restored.setProcessingTime(u + FRESH_WAIT - 400);
            assertThat(restored.extractOutputValues()).containsExactly(1L, 1L);
        }
    }

    @Test
    void restoredBatchFlushesAtEndOfInput() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(10)) {
            h.open();
            h.setProcessingTime(START);
            h.processElement(new StreamRecord<>("a0", START));
            h.processElement(new StreamRecord<>("b0", START));
            snapshot = h.snapshot(1L, START);
        }
        try (var restored = harness(10)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(Long.MAX_VALUE);
            assertThat(restored.extractOutputValues()).containsExactlyInAnyOrder(1L, 1L);
            assertThat(restored.numEventTimeTimers()).isZero();
            assertThat(restored.numProcessingTimeTimers()).isZero();
        }
    }

    /** Emits the size the trigger planned for each batch it fires, taken through its {@link BatchFeedback}. */
    static final class EmitPlannedSize extends ProcessWindowFunction<String, Long, String, GlobalWindow> {
        private final BatchFeedback feedback;

        EmitPlannedSize(BatchFeedback feedback) {
            this.feedback = feedback;
        }

        @Override
        public void process(String key, Context context, Iterable<String> elements, Collector<Long> out)
                throws Exception {
            out.collect(feedback.takeTarget(context.windowState()).plannedSize());
        }
    }

    private static long count(Iterable<String> elements) {
        long n = 0;
        for (String ignored : elements) {
            n++;
        }
        return n;
    }

    /**
     * Stands in for the job's database flush: emits the batch size, takes the planned size and reports
     * a write of {@code writeMillis} through the trigger's {@link BatchFeedback}.
     */
    static final class WriteAndReport extends ProcessWindowFunction<String, Long, String, GlobalWindow> {
        private final long writeMillis;
        private final BatchFeedback feedback;

        WriteAndReport(long writeMillis, BatchFeedback feedback) {
            this.writeMillis = writeMillis;
            this.feedback = feedback;
        }

        @Override
        public void process(String key, Context context, Iterable<String> elements, Collector<Long> out)
                throws Exception {
            long n = count(elements);
            out.collect(n);
            feedback.takeTarget(context.windowState());
            feedback.record(context.windowState(), n, Duration.ofMillis(writeMillis));
        }
    }

    /** As {@link WriteAndReport}, with the static {@link FlushTarget#take} and {@link SinkFeedback#record}. */
    static final class WriteAndReportStatic extends ProcessWindowFunction<String, Long, String, GlobalWindow> {
        private final long writeMillis;

        WriteAndReportStatic(long writeMillis) {
            this.writeMillis = writeMillis;
        }

        @Override
        public void process(String key, Context context, Iterable<String> elements, Collector<Long> out)
                throws Exception {
            long n = count(elements);
            out.collect(n);
            FlushTarget.take(context.windowState());
            SinkFeedback.record(context.windowState(), n, writeMillis);
        }
    }
}
