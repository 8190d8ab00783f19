package io.dynbatch.job.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterKeysTest {

    @Test
    void aRefusedRecordIsKeyedByItsSourcePosition() {
        assertThat(DeadLetterKeys.ofRefusedRecord(new RawClick("{", "kafka:clicks:2:41"))).isEqualTo("kafka:clicks:2:41");
        assertThat(DeadLetterKeys.ofRefusedRecord(new RawClick("{", "generator:42@1700000000000:0:17")))
                .isEqualTo("generator:42@1700000000000:0:17");
        assertThat(DeadLetterKeys.ofRefusedRecord(new RawClick("{", null))).as("no position, no key").isNull();
    }

    @Test
    void aLateEventIsKeyedByItsEventIdAndIngestTime() {
        ClickEvent event = new ClickEvent(123, "/p/1", "view", 9, 1_700_000_000_000L);
        ClickEvent resent = new ClickEvent(123, "/p/1", "view", 9, 1_700_000_000_000L);
        assertThat(DeadLetterKeys.ofLateEvent(event)).isEqualTo("late:123:1700000000000")
                .as("an exact resend is one dead letter").isEqualTo(DeadLetterKeys.ofLateEvent(resent));
        // a later run numbers its events from 0 again: same id, other ingest time, another dead letter
        ClickEvent nextRun = new ClickEvent(123, "/p/1", "view", 9, 1_700_000_360_000L);
        assertThat(DeadLetterKeys.ofLateEvent(nextRun)).isNotEqualTo(DeadLetterKeys.ofLateEvent(event));
        assertThat(DeadLetterKeys.ofLateEvent(new ClickEvent(124, "/p/1", "view", 9, 0))).isEqualTo("late:124:0");
    }

    @Test
    void lateKeysNeverCollideWithSourcePositions() {
        assertThat(DeadLetterKeys.ofLateEvent(new ClickEvent(5, "/p", "view", 1, 0)))
                .doesNotStartWith("kafka:").doesNotStartWith("generator:");
    }
}
