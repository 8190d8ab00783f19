package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link AdaptiveBatchTrigger} on Flink's {@link TriggerTestHarness}: every flush reason, re-planning,
 * cost feedback through window state (of a batch alone in its transaction, in the state's earlier
 * layout of three sums, and of one committed with other keys' batches), and cleanup.
 *
 * <p>With the default config (SLO 2 s, safety margin 100 ms, cost prior 20 ms + 0.01 ms/element)
 * a fresh key's first element ingested at {@code t} is due at {@code t + 2000 - 100 - 20} = {@code t
 * + 1880}, less a fraction of a millisecond: the timer is at {@code t + 1879}.
 */
class AdaptiveBatchTriggerTest {

    private static final GlobalWindow WINDOW = GlobalWindow.get();
    private static final long START = 1_000_000L;
    private static final long FRESH_DUE = START + 1_879;

    /** The harness, plus a way to play the window function's part in the feedback channel. */
    private static final class Harness extends TriggerTestHarness<String, GlobalWindow> {
        Harness(AdaptiveBatchTrigger<String, GlobalWindow> trigger) throws Exception {
            super(trigger, new GlobalWindow.Serializer());
            advanceProcessingTime(START);
        }

        /** What {@link SinkFeedback#record} does on the window function's {@code windowState()}. */
        void feedback(long batchSize, long writeMillis) throws Exception {
            stateBackend.getPartitionedState(WINDOW, windowSerializer, SinkFeedback.descriptor())
                    .update(new long[] {1, batchSize, writeMillis * 1000});
        }

        /** As {@link SinkFeedback#record(org.apache.flink.api.common.state.KeyedStateStore, long, Duration, Duration)}. */
        void feedback(long batchSize, long writeMillis, long transactionMillis) throws Exception {
            stateBackend.getPartitionedState(WINDOW, windowSerializer, SinkFeedback.descriptor())
                    .update(new long[] {1, batchSize, writeMillis * 1000, transactionMillis * 1000});
        }

        TriggerResult add(String value, long ingest) throws Exception {
            return processElement(new StreamRecord<>(value, ingest), WINDOW);
        }
    }

    private static AdaptiveBatchTrigger<String, GlobalWindow> trigger() {
        return AdaptiveBatchTrigger.of(AdaptivePolicyConfig.defaults());
    }

    private static void assertNoBatchLeft(Harness h) {
        assertThat(h.numStateEntries()).as("state entries (learned state only)").isEqualTo(1);
        assertThat(h.numProcessingTimeTimers()).as("processing-time timers").isZero();
        assertThat(h.numEventTimeTimers()).as("event-time timers").isZero();
    }

    @Test
    void flushesAtTheLatencyDeadlineCountedFromIngest() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = trigger();
        Harness h = new Harness(trigger);

        assertThat(h.add("a", START)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        assertThat(h.advanceProcessingTime(FRESH_DUE - 1)).isEmpty();
        assertThat(h.advanceProcessingTime(FRESH_DUE, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);

        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.LATENCY)).isEqualTo(1);
    }

    @Test
    void latencySpentUpstreamIsSubtractedFromTheWait() throws Exception {
        Harness h = new Harness(trigger());
        h.add("a", START - 500); // ingested half a second before it reached the trigger
        assertThat(h.advanceProcessingTime(FRESH_DUE - 501)).isEmpty();
        assertThat(h.advanceProcessingTime(FRESH_DUE - 500, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
    }

    @Test
    void aRecordWithoutTimestampCountsAsIngestedOnArrival() throws Exception {
        Harness h = new Harness(trigger());
        h.processElement(new StreamRecord<>("a"), WINDOW); // timestamp Long.MIN_VALUE
        assertThat(h.advanceProcessingTime(FRESH_DUE - 1)).isEmpty();
        assertThat(h.advanceProcessingTime(FRESH_DUE, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
    }

    @Test
    void anOlderElementMovesTheTimerEarlier() throws Exception {
        Harness h = new Harness(trigger());
        h.add("a", START);
        h.advanceProcessingTime(START + 100);
        assertThat(h.add("b", START - 700)).isEqualTo(TriggerResult.CONTINUE); // now the oldest
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.advanceProcessingTime(FRESH_DUE - 702)).isEmpty();
        assertThat(h.advanceProcessingTime(FRESH_DUE - 699, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
    }

    @Test
    void flushesOnTheElementThatFindsTheBudgetSpent() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = trigger();
        Harness h = new Harness(trigger);
        h.add("a", START);
        h.advanceProcessingTime(START + 1_500);
        // an element ingested 1.5 s before the batch started: its budget ran out at START + 380
        assertThat(h.add("b", START - 1_500)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.LATENCY)).isEqualTo(1);
    }

    @Test
    void flushesWhenTheBatchReachesMaxSize() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger =
                AdaptiveBatchTrigger.of(AdaptivePolicyConfig.builder().maxSize(3).build());
        Harness h = new Harness(trigger);
        assertThat(h.add("a", START)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.add("b", START)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.add("c", START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.SIZE)).isEqualTo(1);
        assertThat(trigger.metricsOrNull().batchSize().getStatistics().getMax()).isEqualTo(3);
    }

    @Test
    void countsTheEventsAnElementStandsFor() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = AdaptiveBatchTrigger.<String, GlobalWindow>of(
                AdaptivePolicyConfig.builder().maxSize(10).build()).withElementCounter(s -> s.length());
        Harness h = new Harness(trigger);
        assertThat(h.add("aaaa", START)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.add("bbbb", START)).isEqualTo(TriggerResult.CONTINUE); // the quiet path counts 4 too
        assertThat(h.add("ccc", START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.SIZE)).isEqualTo(1);
        assertThat(trigger.metricsOrNull().batchSize().getStatistics().getMax()).isEqualTo(11);
    }

    @Test
    void flushesWhenTheBatchReachesItsMemoryCap() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = AdaptiveBatchTrigger.<String, GlobalWindow>of(
                        AdaptivePolicyConfig.builder().maxPendingBytes(1_000).build())
                .withElementWeigher(s -> 400);
        Harness h = new Harness(trigger);
        assertThat(h.add("a", START)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.add("b", START)).isEqualTo(TriggerResult.FIRE_AND_PURGE); // 800 bytes, no room for 400 more
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.MEMORY_CAP)).isEqualTo(1);
    }

    @Test
    void theMaxDelayCapFlushesAsTime() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = AdaptiveBatchTrigger.of(
                AdaptivePolicyConfig.builder().maxDelay(Duration.ofMillis(500)).build());
        Harness h = new Harness(trigger);
        h.add("a", START);
        h.advanceProcessingTime(START + 300);
        h.add("b", START + 300);
        assertThat(h.advanceProcessingTime(START + 499)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 500, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.MAX_DELAY)).isEqualTo(1);
    }

    @Test
    void aBacklogWaitsForFullBatchesUpToMaxDelay() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = trigger();
        Harness h = new Harness(trigger);
        assertThat(h.add("a", START - 600_000)).isEqualTo(TriggerResult.CONTINUE); // ten minutes late
        assertThat(h.add("b", START - 599_990)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.advanceProcessingTime(START + 1_999)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 2_000, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.BACKLOG)).isEqualTo(1);
    }

    @Test
    void flushesPendingBatchAtEndOfInput() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = trigger();
        Harness h = new Harness(trigger);
        h.add("a", START);
        h.add("b", START);
        assertThat(h.advanceWatermark(Long.MAX_VALUE, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNoBatchLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.END_OF_INPUT)).isEqualTo(1);
    }

    @Test
    void endOfInputWithNothingPendingDoesNotFire() throws Exception {
        Harness h = new Harness(trigger());
        assertThat(h.invokeOnEventTime(Long.MAX_VALUE, WINDOW)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.numStateEntries()).isZero();
    }

    @Test
    void feedbackFromTheWindowFunctionChangesThePlan() throws Exception {
        Harness h = new Harness(trigger());
        h.add("a", START);
        h.advanceProcessingTime(FRESH_DUE, WINDOW); // flush; the window function wrote it in 400 ms
        h.feedback(1, 400);
        assertThat(h.numStateEntries()).isEqualTo(2); // learned state + unconsumed feedback

        long t = START + 5_000;
        h.advanceProcessingTime(t);
        h.add("b", t); // consumes the feedback: writes now look ~17x costlier than the prior
        assertThat(h.numStateEntries()).isEqualTo(2); // learned state + batch; feedback consumed
        // the deadline moved earlier by roughly the extra predicted write time (~315 ms)
        assertThat(h.advanceProcessingTime(t + 1_879 - 330)).isEmpty();
        assertThat(h.advanceProcessingTime(t + 1_879 - 250)).hasSize(1);
    }

    @Test
    void aBatchCommittedWithOtherKeysPlansForTheWholeTransaction() throws Exception {
        Harness h = new Harness(trigger());
        h.add("a", START);
        h.advanceProcessingTime(FRESH_DUE, WINDOW); // flush; charged 20 ms (the prior) of a 320 ms transaction
        h.feedback(1, 20, 320);

        long t = START + 5_000;
        h.advanceProcessingTime(t);
        h.add("b", t); // learns a group wait of 0.3 x 300 ms: the deadline moves 90 ms earlier
        assertThat(h.advanceProcessingTime(t + 1_879 - 100)).isEmpty();
        assertThat(h.advanceProcessingTime(t + 1_879 - 80)).hasSize(1);
    }

    @Test
    void clearRemovesBatchLearnedStateFeedbackAndTimers() throws Exception {
        Harness h = new Harness(trigger());
        h.add("a", START);
        h.add("b", START);
        h.feedback(10, 30);
        assertThat(h.numStateEntries()).isEqualTo(3); // batch + learned state + feedback

        h.clearTriggerState(WINDOW);
        assertThat(h.numStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void worksOnTimeWindowsToo() throws Exception {
        TimeWindow window = new TimeWindow(0, 10_000);
        TriggerTestHarness<String, TimeWindow> h =
                new TriggerTestHarness<>(AdaptiveBatchTrigger.of(AdaptivePolicyConfig.defaults()), new TimeWindow.Serializer());
        h.advanceProcessingTime(START);
        h.processElement(new StreamRecord<>("a", START), window);
        assertThat(h.numEventTimeTimers(window)).isEqualTo(1);
        assertThat(h.advanceWatermark(window.maxTimestamp(), window)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void jitterFiresEarlierByTheKeysFixedOffset() throws Exception {
        KeyJitter<String> jitter = KeyJitter.upTo(Duration.ofMillis(200), s -> s);
        long offset = jitter.offsetMillis("k");
        Harness h = new Harness(trigger().withJitter(jitter));
        h.add("k", START);
        assertThat(h.advanceProcessingTime(FRESH_DUE - offset - 1)).isEmpty();
        assertThat(h.advanceProcessingTime(FRESH_DUE - offset, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
    }

    @Test
    void gaugesShowTheCurrentPlanAndLearnedCost() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = trigger();
        Harness h = new Harness(trigger);
        h.add("a", START);
        h.add("b", START);
        AdaptiveTriggerMetrics gauges = trigger.metricsOrNull();
        assertThat(gauges.deadlineMillis()).isBetween(1_870L, 1_880L);
        assertThat(gauges.targetSize()).isGreaterThanOrEqualTo(2);
        assertThat(gauges.perCallMillis()).isCloseTo(20, within(1e-9));
        assertThat(gauges.perElementMicros()).isCloseTo(10, within(1e-9));
        assertThat(gauges.pendingCount()).isEqualTo(2);
        h.advanceWatermark(Long.MAX_VALUE, WINDOW);
        assertThat(gauges.pendingCount()).isZero();
    }

    @Test
    void rejectsBadArgumentsWhenBuilt() {
        AdaptiveBatchTrigger<String, GlobalWindow> t = AdaptiveBatchTrigger.of(
                AdaptivePolicyConfig.builder().maxDelay(Duration.ofMillis(100)).build());
        assertThatThrownBy(() -> t.withJitter(KeyJitter.upTo(Duration.ofMillis(101), s -> s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not exceed maxDelay");
        assertThatThrownBy(() -> t.withMetricsScope("bad scope!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptiveBatchTrigger.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void describesItself() {
        assertThat(trigger().toString())
                .isEqualTo("AdaptiveBatchTrigger(slo=2000ms, maxSize=50000, maxDelay=2000ms, jitter=none)");
    }
}
