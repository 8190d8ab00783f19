package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.DeadLetterKeys;
import io.dynbatch.job.model.EventType;
import io.dynbatch.job.model.RawClick;

import io.dynbatch.job.text.StorableText;
import io.dynbatch.job.text.StrictUtf8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.util.Iterator;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Parses and validates one JSON click event. Pure (the clock is injected) and never throws for bad
 * input: every refusal is a {@link DeadLetter} with a machine-readable reason, the first of these
 * that applies, checked in this order:
 *
 * <ul>
 *   <li>{@code oversized_record}: longer than {@code maxRecordBytes} (UTF-8 bytes);
 *   <li>{@code invalid_utf8}: the bytes are not well-formed UTF-8 (the dead letter keeps them as hex);
 *   <li>{@code unstorable_text}: text PostgreSQL cannot store unaltered, anywhere in the record, raw or
 *       as a JSON escape: NUL, an unpaired UTF-16 surrogate ({@link StorableText});
 *   <li>{@code malformed_json}: not one JSON object;
 *   <li>{@code duplicate_field}: a field name twice in one object (never "the last one wins");
 *   <li>{@code too_deeply_nested}: arrays/objects nested deeper than {@link #MAX_NESTING_DEPTH};
 *   <li>{@code unknown_field}: a field outside the schema;
 *   <li>{@code missing_field} / {@code wrong_type}: a required field absent or of the wrong type
 *       (an integer outside the signed 64-bit range is a wrong type);
 *   <li>{@code invalid_value}: an empty page or one over {@link #MAX_PAGE_CHARS}, an ingest time
 *       before {@link #EARLIEST_INGEST_MILLIS};
 *   <li>{@code unknown_event_type}: not one of {@link EventType};
 *   <li>{@code future_timestamp}: ingest time more than {@code maxFutureSkewMillis} ahead of now.
 * </ul>
 *
 * So an accepted event holds only storable text. A refusal of a {@link RawClick} is keyed by the
 * record's source position, whatever the reason ({@link DeadLetterKeys#ofRefusedRecord}).
 */
public final class ClickEventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The longest page accepted, in chars (UTF-16 units, as PostgreSQL's {@code char_length} counts BMP text). */
    public static final int MAX_PAGE_CHARS = 512;
    /** The default of {@code --max-record-bytes}: the largest record accepted, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 4096;
    /** The deepest nesting of JSON objects and arrays read; a click event is one flat object (depth 1). */
    public static final int MAX_NESTING_DEPTH = 8;
    /** How much of an offending field name or value a detail quotes, in chars. */
    public static final int MAX_QUOTED_CHARS = 64;
    /** 2000-01-01T00:00:00Z: older ingest times are data errors (and would overflow lateness arithmetic). */
    public static final long EARLIEST_INGEST_MILLIS = 946_684_800_000L;
    private static final Set<String> FIELDS = Set.of("event_id", "page", "event_type", "user_id", "ingest_ts");

    private final int maxRecordChars;
    private final long maxFutureSkewMillis;
    private transient ObjectMapper mapper;

    /** @param maxRecordChars the largest record accepted, in UTF-8 bytes */
    public ClickEventParser(int maxRecordChars, long maxFutureSkewMillis) {
        if (maxRecordChars <= 0 || maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("maxRecordChars must be > 0 and maxFutureSkewMillis >= 0");
        }
        this.maxRecordChars = maxRecordChars;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    /** Parses a source record; a refusal carries the record's dedupe key. */
    public ParseResult parse(RawClick record, LongSupplier clock) {
        ParseResult result = record.invalidUtf8 != null ? refuseBytes(record.invalidUtf8, clock.getAsLong())
                : parse(record.payload, clock);
        if (!result.isOk()) {
            result.deadLetter().withDedupeKey(DeadLetterKeys.ofRefusedRecord(record));
        }
        return result;
    }

    private ParseResult refuseBytes(byte[] bytes, long now) {
        if (bytes.length > maxRecordChars) {
            return ParseResult.refused(DeadLetter.ofBytes("oversized_record", overLimit(), bytes, now));
        }
        int at = StrictUtf8.firstInvalidByte(bytes);
        String detail = at < 0 ? "not UTF-8" // not reached: the source passes on as bytes only what is not UTF-8
                : String.format("not UTF-8: byte 0x%02x at offset %d", bytes[at] & 0xff, at);
        return ParseResult.refused(DeadLetter.ofBytes("invalid_utf8", detail, bytes, now));
    }

    /** Parses one JSON record; a refusal has no dedupe key (the record's position is unknown here). */
    public ParseResult parse(String raw, LongSupplier clock) {
        long now = clock.getAsLong();
        if (raw == null) {
            return refuse("malformed_json", "null record", null, now);
        }
        if (raw.length() > maxRecordChars
                || (raw.length() * 3L > maxRecordChars
                        && raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxRecordChars)) {
            return refuse("oversized_record", overLimit(), raw, now);
        }
        int unstorable = StorableText.firstUnstorable(raw);
        if (unstorable >= 0) {
            return refuse("unstorable_text", UnstorableJsonText.describe(raw.charAt(unstorable)) + " at offset "
                    + unstorable, raw, now);
        }
        JsonNode node;
        try {
            node = mapper().readTree(raw);
        } catch (StreamConstraintsException e) {
            boolean tooDeep = String.valueOf(e.getOriginalMessage()).contains("nesting depth");
            return refuse(tooDeep ? "too_deeply_nested" : "malformed_json", e.getOriginalMessage(), raw, now);
        } catch (JsonProcessingException e) { // STRICT_DUPLICATE_DETECTION reports "Duplicate field '<name>'"
            boolean duplicate = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            return refuse(duplicate ? "duplicate_field" : "malformed_json", e.getOriginalMessage(), raw, now);
        }
        if (!(node instanceof ObjectNode)) {
            return refuse("malformed_json", "not a JSON object", raw, now);
        }
        String escaped = UnstorableJsonText.find(node);
        if (escaped != null) {
            return refuse("unstorable_text", escaped, raw, now);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return refuse("unknown_field", "unknown field '" + quote(name) + "'", raw, now);
            }
        }
        String problem = firstTypeProblem(node);
        if (problem != null) {
            return refuse(problem.startsWith("missing") ? "missing_field" : "wrong_type", problem, raw, now);
        }
        String page = node.get("page").textValue();
        if (page.isEmpty() || page.length() > MAX_PAGE_CHARS) {
            return refuse("invalid_value", "page must have 1.." + MAX_PAGE_CHARS + " chars", raw, now);
        }
        String type = node.get("event_type").textValue();
        if (EventType.fromWireName(type).isEmpty()) {
            return refuse("unknown_event_type", "event_type '" + quote(type) + "'", raw, now);
        }
        long ingest = node.get("ingest_ts").longValue();
        if (ingest < EARLIEST_INGEST_MILLIS) {
            return refuse("invalid_value", "ingest_ts " + ingest + " is before 2000-01-01", raw, now);
        }
        if (ingest > now + maxFutureSkewMillis) {
            return refuse("future_timestamp", "ingest_ts " + (ingest - now) + " ms ahead of now", raw, now);
        }
        return ParseResult.ok(new ClickEvent(
                node.get("event_id").longValue(), page, type, node.get("user_id").longValue(), ingest));
    }

    private String overLimit() {
        return "record over the limit of " + maxRecordChars + " bytes (UTF-8)";
    }

    private static String firstTypeProblem(JsonNode node) {
        for (String f : new String[] {"event_id", "user_id", "ingest_ts"}) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return "missing field '" + f + "'";
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                return "field '" + f + "' must be an integer";
            }
        }
        for (String f : new String[] {"page", "event_type"}) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                return "missing field '" + f + "'";
            }
            if (!v.isTextual()) {
                return "field '" + f + "' must be a string";
            }
        }
        return null;
    }

    private static ParseResult refuse(String reason, String detail, String raw, long now) {
        return ParseResult.refused(new DeadLetter(reason, detail, raw, now));
    }

    /** The start of a name or value for a detail (never inside a surrogate pair). */
    private static String quote(String s) {
        return s.length() <= MAX_QUOTED_CHARS ? s : StorableText.truncate(s, MAX_QUOTED_CHARS) + "...";
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            JsonFactory json = JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build();
            mapper = new ObjectMapper(json).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
        return mapper;
    }
}
