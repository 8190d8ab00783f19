package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RawClick;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ClickEventParserTest {

    private static final long NOW = 1_700_000_000_000L;
    private final ClickEventParser parser = new ClickEventParser(512, 60_000);

    @Test
    void parsesAValidEvent() {
        ParseResult r = parser.parse(
                "{\"event_id\":7,\"page\":\"/p/1\",\"event_type\":\"click\",\"user_id\":42,\"ingest_ts\":" + NOW + "}",
                () -> NOW);
        assertThat(r.isOk()).isTrue();
        assertThat(r.event()).isEqualTo(new ClickEvent(7, "/p/1", "click", 42, NOW));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed_json     | {\"event_id\":1,",
        "malformed_json     | [1,2,3]",
        "malformed_json     | {\"event_id\":1} trailing",
        "unknown_field      | {\"event_id\":1,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1,\"x\":1}",
        "missing_field      | {\"event_id\":1,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1}",
        "wrong_type         | {\"event_id\":\"one\",\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "wrong_type         | {\"event_id\":1,\"page\":5,\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "wrong_type         | {\"event_id\":1.5,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "invalid_value      | {\"event_id\":1,\"page\":\"\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "unknown_event_type | {\"event_id\":1,\"page\":\"/p\",\"event_type\":\"hover\",\"user_id\":1,\"ingest_ts\":1}",
        "future_timestamp   | {\"event_id\":1,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1700000060001}",
    })
    void refusesBadRecordsWithTheirReasonKeyedByTheirPosition(String reason, String raw) {
        ParseResult r = parser.parse(new RawClick(raw, "kafka:clicks:1:77"), () -> NOW);
        assertThat(r.isOk()).isFalse();
        assertThat(r.deadLetter().reason).isEqualTo(reason);
        assertThat(r.deadLetter().payload).isEqualTo(raw);
        assertThat(r.deadLetter().refusedAt).isEqualTo(NOW);
        assertThat(r.deadLetter().dedupeKey).as("the same key for every reason").isEqualTo("kafka:clicks:1:77");
    }

    @Test
    void aRecordWithoutAValueIsRefusedAndKeyed() {
        ParseResult r = parser.parse(new RawClick(null, "kafka:clicks:0:5"), () -> NOW);
        assertThat(r.deadLetter().reason).isEqualTo("malformed_json");
        assertThat(r.deadLetter().dedupeKey).isEqualTo("kafka:clicks:0:5");
    }

    @Test
    void aRecordThatIsRefusedForAnotherReasonOnAReplayKeepsItsKey() {
        String raw = "{\"event_id\":1,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":"
                + (NOW + 61_000) + "}";
        ClickEventParser strict = new ClickEventParser(60, 60_000);
        RawClick record = new RawClick(raw, "kafka:clicks:0:9");
        var first = parser.parse(record, () -> NOW).deadLetter();
        var replayed = strict.parse(record, () -> NOW).deadLetter(); // e.g. after a change of --max-record-bytes
        assertThat(first.reason).isEqualTo("future_timestamp");
        assertThat(replayed.reason).isEqualTo("oversized_record");
        assertThat(replayed.dedupeKey).isEqualTo(first.dedupeKey).isEqualTo("kafka:clicks:0:9");
    }

    @Test
    void aBareRecordHasNoPositionSoItsRefusalHasNoKey() {
        assertThat(parser.parse("{", () -> NOW).deadLetter().dedupeKey).isNull();
        assertThat(parser.parse(new RawClick("{", null), () -> NOW).deadLetter().dedupeKey).isNull();
    }

    @Test
    void refusesOversizedRecordsAndTruncatesTheirPayload() {
        String huge = "{\"page\":\"" + "x".repeat(10_000) + "\"}";
        ParseResult r = new ClickEventParser(4096, 0).parse(huge, () -> NOW);
        assertThat(r.deadLetter().reason).isEqualTo("oversized_record");
        assertThat(r.deadLetter().payloadLength).isEqualTo(huge.length());
        assertThat(r.deadLetter().payload).hasSize(2048);
    }
}
