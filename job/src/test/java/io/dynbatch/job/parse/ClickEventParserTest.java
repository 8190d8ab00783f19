package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;

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
    void refusesBadRecordsWithTheirReason(String reason, String raw) {
        ParseResult r = parser.parse(raw, () -> NOW);
        assertThat(r.isOk()).isFalse();
        assertThat(r.deadLetter().reason).isEqualTo(reason);
        assertThat(r.deadLetter().payload).isEqualTo(raw);
        assertThat(r.deadLetter().refusedAt).isEqualTo(NOW);
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
