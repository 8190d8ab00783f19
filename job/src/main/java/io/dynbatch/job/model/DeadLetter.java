package io.dynbatch.job.model;

/**
 * A record the job refused, with why. The payload is truncated to {@link #MAX_PAYLOAD_CHARS} so a
 * huge record cannot blow up the dead-letter table. A dead letter that stands for input records
 * carries a replay-stable {@link #dedupeKey} ({@link DeadLetterKeys}), so the table records it once
 * however often a failover replays the record. A Flink POJO.
 */
public class DeadLetter {

    public static final int MAX_PAYLOAD_CHARS = 2048;

    /** Machine-readable reason, e.g. {@code malformed_json}, {@code unknown_event_type}. */
    public String reason;
    /** Human-readable detail. */
    public String detail;
    /** The raw record (truncated). */
    public String payload;
    /** Original payload length in characters, before truncation. */
    public int payloadLength;
    /** When the job refused it (epoch millis). */
    public long refusedAt;
    /** Events this dead letter stands for: 1 for a raw record, a row's count for a rejected row. */
    public long events = 1;
    /**
     * The same for every refusal of the same input, on every replay; {@code null} when there is no
     * such key (a row the database rejected: batch boundaries differ on a replay). Null keys never
     * conflict, so those dead letters are at-least-once.
     */
    public String dedupeKey;

    public DeadLetter() {}

    public DeadLetter(String reason, String detail, String payload, long refusedAt) {
        this(reason, detail, payload, refusedAt, 1);
    }

    public DeadLetter(String reason, String detail, String payload, long refusedAt, long events) {
        this.events = events;
        this.reason = reason;
        this.detail = detail;
        this.payloadLength = payload == null ? 0 : payload.length();
        this.payload = payload == null || payload.length() <= MAX_PAYLOAD_CHARS
                ? payload : payload.substring(0, MAX_PAYLOAD_CHARS);
        this.refusedAt = refusedAt;
    }

    /** Sets the {@link #dedupeKey} (see {@link DeadLetterKeys}) and returns this dead letter. */
    public DeadLetter withDedupeKey(String key) {
        this.dedupeKey = key;
        return this;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + (dedupeKey == null ? "" : ", key " + dedupeKey) + "}";
    }
}
