package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CommitRoundTrigger} inside Flink's window operator with several keys (shards) on one
 * subtask: when one key's own timer comes due, every pending key flushes in the same pass.
 */
class CommitRoundTriggerTest {

    private static final KeySelector<String, String> KEY = s -> s.substring(0, 1);
    private static final Duration GRID = Duration.ofMillis(50);

    private static CommitRoundTrigger<String, GlobalWindow> staticInRounds(long maxSize, long maxDelayMillis) {
        return CommitRoundTrigger.of(StaticBatchTrigger.<String, GlobalWindow>of(maxSize, Duration.ofMillis(maxDelayMillis))
                .withJitter(KeyJitter.alignedTo(GRID)), GRID);
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, String, Long> harness(
            Trigger<? super String, ? super GlobalWindow> trigger) throws Exception {
        DataStream<Long> counts = StreamExecutionEnvironment.getExecutionEnvironment().fromData("x")
                .keyBy(KEY)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .aggregate(new StaticBatchTriggerOperatorTest.CountElements());
        return new KeyedOneInputStreamOperatorTestHarness<>(
                ((OneInputTransformation<String, Long>) counts.getTransformation()).getOperatorFactory(), KEY, Types.STRING);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, Long> opened(
            Trigger<? super String, ? super GlobalWindow> trigger) throws Exception {
        var h = harness(trigger);
        h.open();
        h.setProcessingTime(1_000);
        return h;
    }

    private static void add(KeyedOneInputStreamOperatorTestHarness<String, String, Long> h, long at, String... elements)
            throws Exception {
        h.setProcessingTime(at);
        for (String e : elements) {
            h.processElement(new StreamRecord<>(e, 0));
        }
    }

    private static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<String, String, Long> h) {
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void whenOneKeysTimerComesDueEveryPendingKeyFlushesInTheSamePass() throws Exception {
        try (var h = opened(staticInRounds(100, 200))) {
            add(h, 1_000, "a1");        // due at 1,200
            add(h, 1_100, "b1", "b2");  // due at 1,300
            add(h, 1_160, "c1");        // due at 1,350
            h.setProcessingTime(1_198);
            assertThat(h.extractOutputValues()).isEmpty();

            h.setProcessingTime(1_199); // the tick before a's timer: a round of all three
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder(1L, 2L, 1L);
            assertNothingLeft(h);

            add(h, 1_210, "d1");        // a key of its own: due at 1,400, flushes at that round's tick
            h.setProcessingTime(1_398);
            assertThat(h.extractOutputValues()).hasSize(3);
            h.setProcessingTime(1_399);
            assertThat(h.extractOutputValues()).hasSize(4);
            assertNothingLeft(h);
        }
    }

    @Test
    void aFlushOnSizeIsTheKeysAlone() throws Exception {
        try (var h = opened(staticInRounds(2, 200))) {
            add(h, 1_000, "b1");
            add(h, 1_010, "a1", "a2"); // size: a flushes, b keeps its batch
            assertThat(h.extractOutputValues()).containsExactly(2L);
            h.setProcessingTime(1_150);
            assertThat(h.extractOutputValues()).containsExactly(2L);
            h.setProcessingTime(1_199);
            assertThat(h.extractOutputValues()).containsExactly(2L, 1L);
            assertNothingLeft(h);
        }
    }

    @Test
    void anAdaptiveKeyJoinsTheRoundAndKeepsWhatItLearned() throws Exception {
        AdaptivePolicyConfig config = AdaptivePolicyConfig.builder().slo(Duration.ofSeconds(2)).build();
        var adaptive = AdaptiveBatchTrigger.<String, GlobalWindow>of(config).withJitter(KeyJitter.alignedTo(GRID));
        try (var h = opened(CommitRoundTrigger.of(adaptive, GRID))) {
            add(h, 1_000, "a1");
            add(h, 1_500, "b1");
            h.setProcessingTime(10_000); // a's deadline came first; b flushed with it
            assertThat(h.extractOutputValues()).containsExactly(1L, 1L);
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // each key's learned state stays
        }
    }

    @Test
    void aPendingBatchAndItsTicksSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened(staticInRounds(100, 200))) {
            add(h, 1_000, "a1");
            add(h, 1_100, "b1");
            snapshot = h.snapshot(1L, 1_100L);
        }
        try (var restored = harness(staticInRounds(100, 200))) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(1_250); // a's restored timer fires (alone: not planned in this instance)
            assertThat(restored.extractOutputValues()).containsExactly(1L);
            restored.setProcessingTime(1_300);
            assertThat(restored.extractOutputValues()).containsExactly(1L, 1L);
            assertNothingLeft(restored);
        }
    }

    @Test
    void clearLeavesNothingBehind() throws Exception {
        var trigger = staticInRounds(100, 200);
        try (var h = opened(trigger)) {
            add(h, 1_000, "a1");
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2); // its deadline and its tick
        }
        var single = new TriggerTestHarness<>(trigger, new GlobalWindow.Serializer());
        single.advanceProcessingTime(1_000);
        single.processElement(new StreamRecord<>("a1"), GlobalWindow.get());
        assertThat(single.numProcessingTimeTimers()).isEqualTo(2);
        single.clearTriggerState(GlobalWindow.get());
        assertThat(single.numStateEntries()).isZero();
        assertThat(single.numProcessingTimeTimers()).isZero();
        assertThat(single.numEventTimeTimers()).isZero();
        assertThat(trigger.toString()).startsWith("CommitRoundTrigger(StaticBatchTrigger");
    }

    @Test
    void theFeedbackHandleIsTheInnerTriggers() {
        var adaptive = AdaptiveBatchTrigger.<String, GlobalWindow>of(AdaptivePolicyConfig.defaults()).withFlushTarget();
        assertThat(BatchFeedback.of(CommitRoundTrigger.of(adaptive, GRID))).isEqualTo(adaptive.feedback());
        assertThatThrownBy(() -> CommitRoundTrigger.of(adaptive, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
