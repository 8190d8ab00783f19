package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The late-event router on Flink's operator harness: lateness, its restored floor, the layout check. */
class RouteLateEventsTest {

    private static final long T = 1_800_000_000_000L;

    private static OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness(String layout) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new RouteLateEvents(Duration.ofMinutes(1), layout)));
    }

    private static StreamRecord<ClickEvent> event(long ingest) {
        return new StreamRecord<>(new ClickEvent(1, "/p/1", "view", 1, ingest), ingest);
    }

    @Test
    void eventsOlderThanWatermarkMinusLatenessAreLateEvenAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness("shards=4")) {
            h.open();
            h.processWatermark(T);
            h.processElement(event(T - 60_000)); // exactly at the bound: late
            h.processElement(event(T - 59_999)); // just inside: kept
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.getSideOutput(RouteLateEvents.LATE)).hasSize(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness("shards=4")) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(event(T - 120_000)); // no watermark yet after the restore: the floor decides
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(restored.getSideOutput(RouteLateEvents.LATE)).hasSize(1);
        }
    }

    @Test
    void aLateEventHasTheSameKeyOnAReplayAndOnTheWindowPath() throws Exception {
        ClickEvent late = new ClickEvent(7, "/p/1", "view", 1, T - 300_000);
        OperatorSubtaskState snapshot;
        String key;
        try (var h = harness("shards=4")) {
            h.open();
            h.processWatermark(T);
            h.processElement(event(T)); // on time; the floor is now T
            snapshot = h.snapshot(1, 1);
            h.processElement(new StreamRecord<>(late, late.ingestTime)); // after the checkpoint, then a failure
            key = h.getSideOutput(RouteLateEvents.LATE).poll().getValue().dedupeKey;
        }
        try (var restored = harness("shards=4")) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(late, late.ingestTime)); // the replay
            assertThat(restored.getSideOutput(RouteLateEvents.LATE).poll().getValue().dedupeKey).isEqualTo(key);
        }
        assertThat(key).isEqualTo("late:7:" + late.ingestTime);
        assertThat(RouteLateEvents.deadLetterFor(late, "dropped by the 1-minute window as late").dedupeKey)
                .isEqualTo(key);
    }

    @Test
    void theFinalWatermarkDoesNotRaiseTheFloor() throws Exception {
        try (var h = harness("shards=4")) {
            h.open();
            h.processWatermark(T);
            h.processElement(event(T)); // floor = T
            h.processWatermark(Long.MAX_VALUE); // end of input or stop --drain
            h.processElement(event(T + 1_000));
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void restoringWithAnotherShardLayoutFailsClearly() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness("shards=4;max-parallelism=128")) {
            h.open();
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness("shards=6;max-parallelism=128")) {
            assertThatThrownBy(() -> restored.initializeState(snapshot))
                    .hasMessageContaining("shards=4").hasMessageContaining("shards=6");
        }
    }
}
