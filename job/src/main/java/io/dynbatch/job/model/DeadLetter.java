package io.dynbatch.job.model;

import io.dynbatch.job.text.StorableText;

/**
 * A record the job refused, with why. The payload is truncated to {@link #MAX_PAYLOAD_CHARS} (never
 * inside a surrogate pair) so a huge record cannot blow up the dead-letter table; a value that was
 * not text (invalid UTF-8) is kept as hex ({@link #payloadEncoding}). A dead letter that stands for
 * input records carries a replay-stable {@link #dedupeKey} ({@link DeadLetterKeys}), so the table
 * records it once however often a failover replays the record; one that only one A/B arm produced
 * names its {@link #arm}. The texts may hold anything; the dead-letter table's binder makes them
 * storable. A Flink POJO.
 */
public class DeadLetter {

    public static final int MAX_PAYLOAD_CHARS = 2048;

    /** Machine-readable reason, e.g. {@code malformed_json}, {@code unknown_event_type}. */
    public String reason;
    /** Human-readable detail. */
    public String detail;
    /** The raw record (truncated), as text or, when {@link #payloadEncoding} is {@code hex}, as hex. */
    public String payload;
    /** Original payload length before truncation: in characters, or in bytes for a {@code hex} payload. */
    public int payloadLength;
    /**
     * {@link StorableText#TEXT} (also when null), or {@link StorableText#HEX} for a record whose bytes
     * are not UTF-8.
     */
    public String payloadEncoding;
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
    /**
     * The A/B arm this dead letter belongs to (a row that arm's write path rejected, an event only
     * that arm's window dropped as late); null for one that stands for the input of every arm (a
     * refused record, a late event the router dropped before the arms).
     */
    public String arm;

    public DeadLetter() {}

    public DeadLetter(String reason, String detail, String payload, long refusedAt) {
        this(reason, detail, payload, refusedAt, 1);
    }

    public DeadLetter(String reason, String detail, String payload, long refusedAt, long events) {
        this.events = events;
        this.reason = reason;
        this.detail = detail;
        this.payloadLength = payload == null ? 0 : payload.length();
        this.payload = StorableText.truncate(payload, MAX_PAYLOAD_CHARS);
        this.refusedAt = refusedAt;
    }

    /** A dead letter for a record that is not text: its first bytes as hex, its length in bytes. */
    public static DeadLetter ofBytes(String reason, String detail, byte[] bytes, long refusedAt) {
        DeadLetter d = new DeadLetter(reason, detail, null, refusedAt);
        d.payload = StorableText.hex(bytes, MAX_PAYLOAD_CHARS / 2);
        d.payloadLength = bytes.length;
        d.payloadEncoding = StorableText.HEX;
        return d;
    }

    /** Sets the {@link #dedupeKey} (see {@link DeadLetterKeys}) and returns this dead letter. */
    public DeadLetter withDedupeKey(String key) {
        this.dedupeKey = key;
        return this;
    }

    /** Sets the {@link #arm} and returns this dead letter. */
    public DeadLetter withArm(String arm) {
        this.arm = arm;
        return this;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + (dedupeKey == null ? "" : ", key " + dedupeKey)
                + (arm == null ? "" : ", arm " + arm) + "}";
    }
}
