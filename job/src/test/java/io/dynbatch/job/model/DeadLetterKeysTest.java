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
    void aLateEventIsKeyedByItsEventIdWhateverElseDiffers() {
        ClickEvent event = new ClickEvent(123, "/p/1", "view", 9, 1_700_000_000_000L);
        ClickEvent producerDuplicate = new ClickEvent(123, "/p/1", "view", 9, 1_700_000_000_500L);
        assertThat(DeadLetterKeys.ofLateEvent(event)).isEqualTo("late:123")
                .isEqualTo(DeadLetterKeys.ofLateEvent(producerDuplicate));
        assertThat(DeadLetterKeys.ofLateEvent(new ClickEvent(124, "/p/1", "view", 9, 0))).isEqualTo("late:124");
    }

    @Test
    void lateKeysNeverCollideWithSourcePositions() {
        assertThat(DeadLetterKeys.ofLateEvent(new ClickEvent(5, "/p", "view", 1, 0)))
                .doesNotStartWith("kafka:").doesNotStartWith("generator:");
    }
}
