package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResidueTest {

    @Test
    void printableAsciiStaysTheRestIsHexEncoded() {
        assertThat(Residue.printable("malformed_json")).isEqualTo("malformed_json");
        assertThat(Residue.printable(null)).isNull();
        assertThat(Residue.printable("a\u0000b")).isEqualTo("hex:610062");
        assertThat(Residue.printable("é")).isEqualTo("hex:c3a9");
        assertThat(Residue.printable("\ud800")).isEqualTo("hex:3f"); // a lone surrogate: '?'
    }

    @Test
    void timestampsAreClampedToWhatPostgresHolds() {
        assertThat(Residue.timestamp(Long.MAX_VALUE)).isEqualTo(Residue.MAX_TIMESTAMP_MILLIS);
        assertThat(Residue.timestamp(-5)).isZero();
        assertThat(Residue.timestamp(1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void aDeadLettersResidueKeepsReasonEventsAndAStableKey() {
        DeadLetter d = new DeadLetter("malformed_json", "bad \u0000", "{\"x\":\"\ud800\"}", Long.MAX_VALUE, 3)
                .withDedupeKey("kafka:t:0:7");
        DeadLetter r = DeadLetterTable.residue(d);
        assertThat(r.reason).isEqualTo("malformed_json");
        assertThat(r.events).isEqualTo(3);
        assertThat(r.dedupeKey).isEqualTo("kafka:t:0:7");
        assertThat(r.payload).startsWith("hex:");
        assertThat(r.detail).contains("hex:");
        assertThat(r.payloadLength).isEqualTo(d.payloadLength);
        assertThat(r.refusedAt).isEqualTo(Residue.MAX_TIMESTAMP_MILLIS);
        assertThat(DeadLetterTable.residue(d)).usingRecursiveComparison().isEqualTo(r);
    }
}
