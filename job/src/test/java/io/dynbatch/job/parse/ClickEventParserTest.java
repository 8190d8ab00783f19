package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
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

    private static String record(String page, String type) {
        return "{\"event_id\":1,\"page\":" + page + ",\"event_type\":" + type + ",\"user_id\":1,\"ingest_ts\":"
                + NOW + "}";
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "unstorable_text    | " + "escaped NUL in event_type | {\"event_id\":1,\"page\":\"/p\",\"event_type\":\"vi\\u0000ew\",\"user_id\":1,\"ingest_ts\":1}",
        "unstorable_text    | escaped NUL in a field name | {\"event_id\":1,\"pa\\u0000ge\":\"/p\"}",
        "unstorable_text    | escaped NUL in page | {\"event_id\":1,\"page\":\"/p/\\u0000\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "unstorable_text    | escaped lone high surrogate | {\"event_id\":1,\"page\":\"/p/\\ud800\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "unstorable_text    | escaped reversed pair | {\"event_id\":1,\"page\":\"/p/\\udc00\\ud800\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "unstorable_text    | escaped NUL in a nested value | {\"x\":[{\"y\":\"\\u0000\"}]}",
        "duplicate_field    | page twice | {\"event_id\":1,\"page\":\"/p/1\",\"page\":\"/p/2\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "duplicate_field    | a nested key twice | {\"x\":{\"a\":1,\"a\":2}}",
        "too_deeply_nested  | nine levels | {\"x\":[[[[[[[[1]]]]]]]]}",
        "wrong_type         | event_id beyond 64 bits | {\"event_id\":9223372036854775808,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "wrong_type         | event_id 1e400 | {\"event_id\":1e400,\"page\":\"/p\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":1}",
        "malformed_json     | empty | ''",
    })
    void refusesWhatTheDatabaseCannotStoreOrWouldAlter(String reason, String what, String raw) {
        ParseResult r = parser.parse(new RawClick(raw, "kafka:clicks:0:1"), () -> NOW);
        assertThat(r.isOk()).isFalse();
        assertThat(r.deadLetter().reason).as(r.deadLetter().detail).isEqualTo(reason);
        assertThat(r.deadLetter().dedupeKey).isEqualTo("kafka:clicks:0:1");
    }

    @Test
    void rawNulAndUnpairedSurrogatesAreRefusedBeforeParsing() {
        String nul = record("\"/p/1\"", "\"view\"").replace("{", "{\u0000");
        assertThat(parser.parse(nul, () -> NOW).deadLetter().detail).isEqualTo("NUL character at offset 1");
        String lone = record("\"/p/\uD800\"", "\"view\"");
        assertThat(parser.parse(lone, () -> NOW).deadLetter().reason).isEqualTo("unstorable_text");
    }

    @Test
    void nestingUpToTheLimitIsReadAndRefusedOnlyForTheSchema() {
        String eight = "{\"x\":" + "[".repeat(7) + "1" + "]".repeat(7) + "}";
        assertThat(parser.parse(eight, () -> NOW).deadLetter().reason).isEqualTo("unknown_field");
        String deep = "[".repeat(3000) + "]".repeat(3000);
        assertThat(new ClickEventParser(8192, 0).parse(deep, () -> NOW).deadLetter().reason).isEqualTo("too_deeply_nested");
    }

    @Test
    void invalidUtf8IsRefusedWithItsBytesAsHex() {
        byte[] bytes = "{\"page\":\"/p/1\u00c3(x\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // C3 28
        ParseResult r = parser.parse(RawClick.notUtf8(bytes, "kafka:clicks:0:2"), () -> NOW);
        assertThat(r.deadLetter().reason).isEqualTo("invalid_utf8");
        assertThat(r.deadLetter().detail).isEqualTo("not UTF-8: byte 0xc3 at offset 13");
        assertThat(r.deadLetter().payloadEncoding).isEqualTo("hex");
        assertThat(io.dynbatch.job.text.StorableText.unhex(r.deadLetter().payload)).containsExactly(bytes);
        assertThat(r.deadLetter().payloadLength).isEqualTo(bytes.length);
        assertThat(r.deadLetter().dedupeKey).isEqualTo("kafka:clicks:0:2");

        byte[] huge = new byte[5000];
        java.util.Arrays.fill(huge, (byte) 0xff);
        DeadLetter d = new ClickEventParser(4096, 0).parse(RawClick.notUtf8(huge, "k"), () -> NOW).deadLetter();
        assertThat(d.reason).isEqualTo("oversized_record");
        assertThat(d.payload).hasSize(DeadLetter.MAX_PAYLOAD_CHARS);
        assertThat(d.payloadLength).isEqualTo(5000);
    }

    @Test
    void pagesUpToTheLimitAreAcceptedAndValidSurrogatePairsToo() {
        String page = "/" + "\uD83D\uDE00".repeat(255) + "x"; // 512 chars
        ClickEventParser roomy = new ClickEventParser(ClickEventParser.DEFAULT_MAX_RECORD_BYTES, 60_000);
        ParseResult r = roomy.parse(record("\"" + page + "\"", "\"view\""), () -> NOW);
        assertThat(r.isOk()).as(String.valueOf(r.deadLetter())).isTrue();
        assertThat(r.event().page).isEqualTo(page);
        ParseResult over = roomy.parse(record("\"" + page + "y\"", "\"view\""), () -> NOW);
        assertThat(over.deadLetter().reason).isEqualTo("invalid_value");
    }

    @Test
    void aTruncatedPayloadNeverEndsInHalfASurrogatePair() {
        String huge = "{\"page\":\"" + "\uD83D\uDE00".repeat(3000) + "\"}";
        DeadLetter d = new ClickEventParser(100_000, 0).parse("xy" + huge, () -> NOW).deadLetter();
        assertThat(d.payload).hasSize(DeadLetter.MAX_PAYLOAD_CHARS - 1);
        assertThat(io.dynbatch.job.text.StorableText.isStorable(d.payload)).isTrue();
    }
}
