package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.DeadLetterKeys;
import io.dynbatch.job.model.EventType;
import io.dynbatch.job.model.RawClick;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * input: every refusal is a {@link DeadLetter} with a machine-readable reason:
 *
 * <ul>
 *   <li>{@code oversized_record}: longer than {@code maxRecordChars};
 *   <li>{@code malformed_json}: not a JSON object;
 *   <li>{@code unknown_field}: a field outside the schema;
 *   <li>{@code missing_field} / {@code wrong_type}: a required field absent or of the wrong type;
 *   <li>{@code invalid_value}: e.g. an empty or overlong page;
 *   <li>{@code unknown_event_type}: not one of {@link EventType};
 *   <li>{@code future_timestamp}: ingest time more than {@code maxFutureSkewMillis} ahead of now.
 * </ul>
 *
 * A refusal of a {@link RawClick} is keyed by the record's source position, whatever the reason
 * ({@link DeadLetterKeys#ofRefusedRecord}).
 */
public final class ClickEventParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int MAX_PAGE_CHARS = 512;
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
        ParseResult result = parse(record.payload, clock);
        if (!result.isOk()) {
            result.deadLetter().withDedupeKey(DeadLetterKeys.ofRefusedRecord(record));
        }
        return result;
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
            return refuse("oversized_record", "record over the limit of " + maxRecordChars + " bytes (UTF-8)", raw, now);
        }
        JsonNode node;
        try {
            node = mapper().readTree(raw);
        } catch (JsonProcessingException e) {
            return refuse("malformed_json", e.getOriginalMessage(), raw, now);
        }
        if (!(node instanceof ObjectNode)) {
            return refuse("malformed_json", "not a JSON object", raw, now);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return refuse("unknown_field", "unknown field '" + truncate(name, 64) + "'", raw, now);
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
            return refuse("unknown_event_type", "event_type '" + truncate(type, 64) + "'", raw, now);
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

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
        return mapper;
    }
}
