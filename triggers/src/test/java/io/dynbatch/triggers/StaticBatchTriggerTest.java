package io.dynbatch.triggers;

import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StaticBatchTrigger} on Flink's {@link TriggerTestHarness}: every flush reason and cleanup. */
class StaticBatchTriggerTest {

    private static final GlobalWindow WINDOW = GlobalWindow.get();
    private static final long START = 1_000L;

    private static TriggerTestHarness<String, GlobalWindow> harness(StaticBatchTrigger<String, GlobalWindow> trigger)
            throws Exception {
        TriggerTestHarness<String, GlobalWindow> h = new TriggerTestHarness<>(trigger, new GlobalWindow.Serializer());
        h.advanceProcessingTime(START);
        return h;
    }

    private static TriggerResult add(TriggerTestHarness<String, GlobalWindow> h, String value) throws Exception {
        return h.processElement(new StreamRecord<>(value, 0L), WINDOW);
    }

    private static void assertNothingLeft(TriggerTestHarness<String, GlobalWindow> h) {
        assertThat(h.numStateEntries()).as("state entries").isZero();
        assertThat(h.numProcessingTimeTimers()).as("processing-time timers").isZero();
        assertThat(h.numEventTimeTimers()).as("event-time timers").isZero();
    }

    @Test
    void flushesWhenBatchReachesMaxSize() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.of(3, Duration.ofSeconds(10));
        TriggerTestHarness<String, GlobalWindow> h = harness(trigger);

        assertThat(add(h, "a")).isEqualTo(TriggerResult.CONTINUE);
        assertThat(add(h, "b")).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        assertThat(add(h, "c")).isEqualTo(TriggerResult.FIRE_AND_PURGE);

        assertNothingLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.SIZE)).isEqualTo(1);
        assertThat(trigger.metricsOrNull().batchSize().getStatistics().getMax()).isEqualTo(3);
    }

    @Test
    void countsTheEventsAnElementStandsFor() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.<String, GlobalWindow>of(10,
                Duration.ofSeconds(10)).withElementCounter(s -> s.length());
        TriggerTestHarness<String, GlobalWindow> h = harness(trigger);

        assertThat(add(h, "aaaa")).isEqualTo(TriggerResult.CONTINUE); // 4 events: starts the batch and its timer
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(add(h, "bbbb")).isEqualTo(TriggerResult.CONTINUE); // 8
        assertThat(add(h, "ccc")).isEqualTo(TriggerResult.FIRE_AND_PURGE); // 11: past the size, by less than one element

        assertNothingLeft(h);
        assertThat(trigger.metricsOrNull().batchSize().getStatistics().getMax()).isEqualTo(11);
        assertThatThrownBy(() -> add(harness(trigger), "")).hasMessageContaining("at least one event");
    }

    @Test
    void flushesWhenFirstElementIsMaxDelayOld() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.of(100, Duration.ofMillis(500));
        TriggerTestHarness<String, GlobalWindow> h = harness(trigger);

        add(h, "a");
        h.advanceProcessingTime(START + 300);
        add(h, "b"); // a later element must not move the deadline

        assertThat(h.advanceProcessingTime(START + 499)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 500, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNothingLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.MAX_DELAY)).isEqualTo(1);
    }

    @Test
    void rearmsTimerForTheNextBatchAfterAFlush() throws Exception {
        TriggerTestHarness<String, GlobalWindow> h = harness(StaticBatchTrigger.of(2, Duration.ofMillis(500)));

        add(h, "a");
        assertThat(add(h, "b")).isEqualTo(TriggerResult.FIRE_AND_PURGE); // size flush deletes the timer
        assertThat(h.advanceProcessingTime(START + 500)).isEmpty();

        add(h, "c"); // new batch, new timer from this element
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.advanceProcessingTime(START + 999)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 1000, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNothingLeft(h);
    }

    @Test
    void flushesPendingBatchAtEndOfInput() throws Exception {
        StaticBatchTrigger<String, GlobalWindow> trigger = StaticBatchTrigger.of(100, Duration.ofHours(1));
        TriggerTestHarness<String, GlobalWindow> h = harness(trigger);

        add(h, "a");
        add(h, "b");
        assertThat(h.advanceWatermark(Long.MAX_VALUE, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertNothingLeft(h);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.END_OF_INPUT)).isEqualTo(1);
    }

    @Test
    void endOfInputWithNothingPendingDoesNotFire() throws Exception {
        TriggerTestHarness<String, GlobalWindow> h = harness(StaticBatchTrigger.of(100, Duration.ofHours(1)));
        assertThat(h.invokeOnEventTime(Long.MAX_VALUE, WINDOW)).isEqualTo(TriggerResult.CONTINUE);
        assertNothingLeft(h);
    }

    @Test
    void clearRemovesAllStateAndTimers() throws Exception {
        TriggerTestHarness<String, GlobalWindow> h = harness(StaticBatchTrigger.of(100, Duration.ofSeconds(1)));
        add(h, "a");
        add(h, "b");
        assertThat(h.numStateEntries()).isEqualTo(2); // count + deadline

        h.clearTriggerState(WINDOW);
        assertNothingLeft(h);
    }

    @Test
    void worksOnTimeWindowsToo() throws Exception {
        TimeWindow window = new TimeWindow(0, 10_000);
        TriggerTestHarness<String, TimeWindow> h =
                new TriggerTestHarness<>(StaticBatchTrigger.of(5, Duration.ofMillis(100)), new TimeWindow.Serializer());
        h.advanceProcessingTime(START);
        h.processElement(new StreamRecord<>("a", 1L), window);
        assertThat(h.numEventTimeTimers(window)).isEqualTo(1);
        assertThat(h.advanceWatermark(window.maxTimestamp(), window)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void jitterFiresEarlierByTheKeysFixedOffset() throws Exception {
        KeyJitter<String> jitter = KeyJitter.upTo(Duration.ofMillis(200), s -> s);
        long offset = jitter.offsetMillis("k");
        assertThat(offset).isBetween(0L, 200L);

        TriggerTestHarness<String, GlobalWindow> h =
                harness(StaticBatchTrigger.<String, GlobalWindow>of(100, Duration.ofMillis(500)).withJitter(jitter));
        add(h, "k");
        long due = START + 500 - offset;
        assertThat(h.advanceProcessingTime(due - 1)).isEmpty();
        assertThat(h.advanceProcessingTime(due, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
    }

    @Test
    void jitterIsDeterministicAndSpreadsKeys() throws Exception {
        KeyJitter<String> jitter = KeyJitter.upTo(Duration.ofMillis(99), s -> s);
        long[] buckets = new long[4];
        for (int i = 0; i < 4_000; i++) {
            long offset = jitter.offsetMillis("shard-" + i);
            assertThat(jitter.offsetMillis("shard-" + i)).isEqualTo(offset);
            buckets[(int) (offset / 25)]++;
        }
        for (long bucket : buckets) {
            assertThat(bucket).isBetween(800L, 1200L); // ~1000 each if evenly spread
        }
        assertThat(KeyJitter.<String>none().offsetMillis("x")).isZero();
    }

    @Test
    void rejectsBadArgumentsWhenBuilt() {
        assertThatThrownBy(() -> StaticBatchTrigger.of(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSize must be > 0");
        assertThatThrownBy(() -> StaticBatchTrigger.of(-5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticBatchTrigger.of(10, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDelay must be >= 0");
        assertThatThrownBy(() -> KeyJitter.upTo(Duration.ofMillis(-1), (String s) -> s))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticBatchTrigger.<String, GlobalWindow>of(10, Duration.ofMillis(100))
                        .withJitter(KeyJitter.upTo(Duration.ofMillis(101), s -> s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not exceed maxDelay");
        assertThatThrownBy(() -> StaticBatchTrigger.of(10, Duration.ofMillis(100)).withMetricsScope("bad scope!"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesItself() {
        assertThat(StaticBatchTrigger.of(1000, Duration.ofMillis(250)).toString())
                .isEqualTo("StaticBatchTrigger(maxSize=1000, maxDelay=250ms, jitter=none)");
    }
}
