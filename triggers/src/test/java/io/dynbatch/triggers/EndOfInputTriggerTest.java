package io.dynbatch.triggers;

import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.triggers.ProcessingTimeoutTrigger;
import org.apache.flink.streaming.api.windowing.triggers.PurgingTrigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.runtime.operators.windowing.TriggerTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Flink's built-in batching trigger, wrapped so that a bounded input's last batch is flushed too. */
class EndOfInputTriggerTest {

    private static TriggerTestHarness<Object, GlobalWindow> harness() throws Exception {
        var builtIn = PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.<GlobalWindow>of(3),
                Duration.ofSeconds(10)));
        var h = new TriggerTestHarness<>(EndOfInputTrigger.of(builtIn), new GlobalWindow.Serializer());
        h.advanceProcessingTime(1_000);
        return h;
    }

    @Test
    void flushesTheLastBatchAtEndOfInputAndLeavesNothingBehind() throws Exception {
        var h = harness();
        h.processElement(new StreamRecord<Object>("a"), GlobalWindow.get());
        assertThat(h.advanceWatermark(Long.MAX_VALUE, GlobalWindow.get())).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void keepsTheInnerTriggersDecisions() throws Exception {
        var h = harness();
        h.processElement(new StreamRecord<Object>("a"), GlobalWindow.get());
        h.processElement(new StreamRecord<Object>("b"), GlobalWindow.get());
        assertThat(h.processElement(new StreamRecord<Object>("c"), GlobalWindow.get())).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numEventTimeTimers()).isZero();
        h.processElement(new StreamRecord<Object>("d"), GlobalWindow.get());
        assertThat(h.advanceProcessingTime(11_000, GlobalWindow.get())).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
