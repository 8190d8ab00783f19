package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.triggers.ProcessingTimeoutTrigger;
import org.apache.flink.streaming.api.windowing.triggers.PurgingTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link FlushReason} comes out on the path that causes it, in the metric and in the {@link
 * FlushTarget} the trigger leaves for the window function: the adaptive trigger's size, memory cap,
 * latency, utilisation, backlog, max delay and end of input, the static trigger's size, max delay and
 * end of input, and a commit round's {@code round} for the keys that were not due themselves.
 */
class FlushReasonsTest {

    private static final GlobalWindow WINDOW = AdaptiveTriggerHarness.WINDOW;
    private static final long START = 1_000_000L;

    private static AdaptiveBatchTrigger<String, GlobalWindow> adaptive(AdaptivePolicyConfig config) {
        return AdaptiveBatchTrigger.<String, GlobalWindow>of(config).withFlushTarget();
    }

    private static void assertFlushed(AdaptiveBatchTrigger<String, GlobalWindow> trigger, AdaptiveTriggerHarness h,
            FlushReason reason) throws Exception {
        assertThat(h.flushTarget().reason()).isEqualTo(reason);
        for (FlushReason r : FlushReason.values()) {
            assertThat(trigger.metricsOrNull().flushCount(r)).as("flushes{reason=%s}", r.label())
                    .isEqualTo(r == reason ? 1 : 0);
        }
    }

    @Test
    void labelsAreLowerCaseAndRoundTrip() {
        for (FlushReason r : FlushReason.values()) {
            assertThat(r.label()).matches("[a-z_]+").isEqualTo(r.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(FlushReason.ofLabel(r.label())).isSameAs(r);
        }
    }

    @Test
    void adaptiveSize() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.builder().maxSize(3).build());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START);
        h.advanceProcessingTime(START + 1);
        h.add(START + 1);
        h.advanceProcessingTime(START + 2);
        assertThat(h.add(START + 2)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertFlushed(trigger, h, FlushReason.SIZE);
    }

    @Test
    void adaptiveMemoryCapOnBothElementPaths() throws Exception {
        AdaptivePolicyConfig config = AdaptivePolicyConfig.builder().maxPendingBytes(1_000).build();
        var planned = AdaptiveBatchTrigger.<String, GlobalWindow>of(config).withElementWeigher(s -> 400).withFlushTarget();
        var h = new AdaptiveTriggerHarness(planned, START);
        h.add(START);
        h.advanceProcessingTime(START + 5); // planned again: the decider finds the memory cap
        assertThat(h.add(START + 5)).isEqualTo(TriggerResult.FIRE_AND_PURGE); // 800 bytes, no room for 400 more
        assertFlushed(planned, h, FlushReason.MEMORY_CAP);

        var quiet = AdaptiveBatchTrigger.<String, GlobalWindow>of(config).withElementWeigher(s -> 400).withFlushTarget();
        var q = new AdaptiveTriggerHarness(quiet, START);
        q.add(START);
        assertThat(q.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE); // same millisecond: counted, not planned
        assertFlushed(quiet, q, FlushReason.MEMORY_CAP);
    }

    @Test
    void adaptiveLatency() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.defaults());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START);
        assertThat(h.advanceProcessingTime(START + 10_000)).hasSize(1);
        assertFlushed(trigger, h, FlushReason.LATENCY);
    }

    @Test
    void adaptiveUtilisation() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.defaults());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START);
        // ingested 3 s ago: the SLO is spent, so the writer-utilisation floor sets the deadline
        h.add(START - 3_000);
        assertThat(h.advanceProcessingTime(START + 1_000)).hasSize(1);
        assertFlushed(trigger, h, FlushReason.UTILISATION);
    }

    @Test
    void adaptiveBacklog() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.defaults());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START - 600_000); // ten minutes late: drain with maximal batches, up to maxDelay
        h.add(START - 599_990);
        assertThat(h.advanceProcessingTime(START + 1_999)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 2_000)).hasSize(1);
        assertFlushed(trigger, h, FlushReason.BACKLOG);
    }

    @Test
    void adaptiveMaxDelay() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.builder().maxDelay(Duration.ofMillis(500)).build());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START);
        assertThat(h.advanceProcessingTime(START + 500)).hasSize(1);
        assertFlushed(trigger, h, FlushReason.MAX_DELAY);
    }

    @Test
    void adaptiveEndOfInput() throws Exception {
        var trigger = adaptive(AdaptivePolicyConfig.defaults());
        var h = new AdaptiveTriggerHarness(trigger, START);
        h.add(START);
        assertThat(h.advanceWatermark(Long.MAX_VALUE)).hasSize(1);
        assertFlushed(trigger, h, FlushReason.END_OF_INPUT);
    }

    @Test
    void staticSizeMaxDelayAndEndOfInputWithItsDeadline() throws Exception {
        var trigger = StaticBatchTrigger.<String, GlobalWindow>of(2, Duration.ofMillis(300)).withFlushTarget();
        var h = new TargetHarness(trigger);
        h.advanceProcessingTime(START);

        h.processElement(new StreamRecord<>("a", 0L), WINDOW);
        assertThat(h.processElement(new StreamRecord<>("b", 0L), WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.flushTarget())
                .isEqualTo(new FlushTarget(FlushReason.SIZE, FlushTarget.NO_VALUE, START + 300, Double.NaN));

        h.processElement(new StreamRecord<>("c", 0L), WINDOW);
        assertThat(h.advanceProcessingTime(START + 300)).hasSize(1);
        assertThat(h.flushTarget().reason()).isEqualTo(FlushReason.MAX_DELAY);

        h.processElement(new StreamRecord<>("d", 0L), WINDOW);
        assertThat(h.advanceWatermark(Long.MAX_VALUE)).hasSize(1);
        assertThat(h.flushTarget().reason()).isEqualTo(FlushReason.END_OF_INPUT);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.SIZE)).isEqualTo(1);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.MAX_DELAY)).isEqualTo(1);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.END_OF_INPUT)).isEqualTo(1);

        h.clearTriggerState(WINDOW); // an untaken target goes with the window
        assertThat(h.numStateEntries()).isZero();
    }

    @Test
    void builtInCountTimeoutAndEndOfInputThroughTheEndOfInputWrapper() throws Exception {
        var builtIn = PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.<GlobalWindow>of(2),
                Duration.ofMillis(300)));
        var h = new TargetHarness(EndOfInputTrigger.of(builtIn).withFlushTarget());
        h.advanceProcessingTime(START);

        h.processElement(new StreamRecord<>("a", 0L), WINDOW);
        assertThat(h.processElement(new StreamRecord<>("b", 0L), WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.flushTarget()).isEqualTo(FlushTarget.of(FlushReason.SIZE));

        h.processElement(new StreamRecord<>("c", 0L), WINDOW);
        assertThat(h.advanceProcessingTime(START + 300)).hasSize(1);
        assertThat(h.flushTarget())
                .isEqualTo(new FlushTarget(FlushReason.MAX_DELAY, FlushTarget.NO_VALUE, START + 300, Double.NaN));

        h.processElement(new StreamRecord<>("d", 0L), WINDOW);
        assertThat(h.advanceWatermark(Long.MAX_VALUE)).hasSize(1);
        assertThat(h.flushTarget()).isEqualTo(FlushTarget.of(FlushReason.END_OF_INPUT));

        h.clearTriggerState(WINDOW); // an untaken target goes with the window
        assertThat(h.numStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void builtInWithoutAFlushTargetLeavesNone() throws Exception {
        var builtIn = PurgingTrigger.of(CountTrigger.<GlobalWindow>of(1));
        EndOfInputTrigger<Object, GlobalWindow> plain = EndOfInputTrigger.of(builtIn);
        var h = new TargetHarness(plain);

        assertThat(h.processElement(new StreamRecord<>("a", 0L), WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.flushTarget()).isNull();
        assertThat(h.numStateEntries()).isZero();
        assertThat(plain.feedback()).isSameAs(BatchFeedback.NONE);
        assertThat(BatchFeedback.of(plain.withFlushTarget()).leavesTarget()).isTrue();
    }

    /** A harness of a trigger over GlobalWindow that can read the flush target it left. */
    private static final class TargetHarness extends TriggerTestHarness<String, GlobalWindow> {
        TargetHarness(Trigger<? super String, GlobalWindow> trigger) throws Exception {
            super(overStrings(trigger), new GlobalWindow.Serializer());
        }

        /** Flink's built-in triggers take any element; the harness feeds strings. */
        @SuppressWarnings("unchecked")
        private static Trigger<String, GlobalWindow> overStrings(Trigger<? super String, GlobalWindow> trigger) {
            return (Trigger<String, GlobalWindow>) trigger;
        }

        FlushTarget flushTarget() throws Exception {
            return stateBackend.getPartitionedState(WINDOW, windowSerializer, FlushTarget.descriptor()).value();
        }
    }

    // ---- commit rounds: the due key keeps its reason, the others joined the round ----

    private static final KeySelector<String, String> KEY = s -> s.substring(0, 1);
    private static final Duration GRID = Duration.ofMillis(50);

    /** Emits {@code <key>:<reason>} for each batch, the reason taken through the trigger's feedback. */
    private static final class EmitReason extends ProcessWindowFunction<String, String, String, GlobalWindow> {
        private final BatchFeedback feedback;

        EmitReason(BatchFeedback feedback) {
            this.feedback = feedback;
        }

        @Override
        public void process(String key, Context context, Iterable<String> elements, Collector<String> out)
                throws Exception {
            out.collect(key + ":" + feedback.takeTarget(context.windowState()).reasonLabel());
        }
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> rounds(
            Trigger<? super String, ? super GlobalWindow> trigger) throws Exception {
        DataStream<String> reasons = StreamExecutionEnvironment.getExecutionEnvironment().fromData("x")
                .keyBy(KEY)
                .window(GlobalWindows.create())
                .trigger(trigger)
                .process(new EmitReason(BatchFeedback.of(trigger)));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                ((OneInputTransformation<String, String>) reasons.getTransformation()).getOperatorFactory(), KEY,
                Types.STRING);
        h.open();
        return h;
    }

    private static void add(KeyedOneInputStreamOperatorTestHarness<String, String, String> h, long at, String e)
            throws Exception {
        h.setProcessingTime(at);
        h.processElement(new StreamRecord<>(e, at)); // ingested as it arrives
    }

    @Test
    void staticKeysInARound() throws Exception {
        var trigger = CommitRoundTrigger.of(StaticBatchTrigger.<String, GlobalWindow>of(100, Duration.ofMillis(200))
                .withJitter(KeyJitter.alignedTo(GRID)).withFlushTarget(), GRID);
        try (var h = rounds(trigger)) {
            add(h, 1_000, "a1"); // due at 1,200
            add(h, 1_100, "b1"); // due at 1,300: joins a's round
            h.setProcessingTime(1_198);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_199); // the tick before a's timer
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder("a:max_delay", "b:round");
        }
    }

    @Test
    void adaptiveKeysInARound() throws Exception {
        var trigger = CommitRoundTrigger.of(AdaptiveBatchTrigger.<String, GlobalWindow>of(AdaptivePolicyConfig.defaults())
                .withJitter(KeyJitter.alignedTo(GRID)).withFlushTarget(), GRID);
        try (var h = rounds(trigger)) {
            add(h, 1_000, "a1");
            add(h, 1_500, "b1");
            for (long t = 1_510; t <= 10_000; t += 10) { // in steps shorter than the grid, as time passes
                h.setProcessingTime(t);
            }
            // a's latency deadline came first; b joined its round
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder("a:latency", "b:round");
        }
    }
}
