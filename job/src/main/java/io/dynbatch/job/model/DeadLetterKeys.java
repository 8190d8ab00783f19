package io.dynbatch.job.model;

/**
 * The dedupe keys of dead letters that stand for input records. A key is derived only from what a
 * replay reproduces exactly, never from processing time or batch boundaries, so a record dead-lettered
 * before a failover and again during the replay gets the same key and is recorded once:
 *
 * <ul>
 *   <li>a record refused by parse/validation: its source position ({@link RawClick#origin}, e.g.
 *       {@code kafka:clicks:3:1207}), whatever the reason, so a refusal that comes out differently on a
 *       replay (say, {@code future_timestamp} then another reason) is still one dead letter;
 *   <li>a late event: {@code late:<event_id>:<ingest_ts>}, on every path that dead-letters an event
 *       as late (the late router, the tumbling window's late output). Both come from the record, so a
 *       replay reproduces them. The ingest time is part of the key because producers number events
 *       per run (the project's load generator starts at 0 every time), so an {@code event_id} alone
 *       would collide with a late event of an earlier run in a shared dead-letter table and the new one
 *       would be skipped. Only an exact producer resend (same id and ingest time) is recorded once.
 * </ul>
 *
 * The two kinds never collide: positions start with their source's name, late keys with {@code late:}.
 */
public final class DeadLetterKeys {

    private static final String LATE_PREFIX = "late:";

    private DeadLetterKeys() {}

    /** The key of a record refused by parse/validation: its source position, or null if it has none. */
    public static String ofRefusedRecord(RawClick record) {
        return record.origin;
    }

    /** The key of an event dead-lettered as late. */
    public static String ofLateEvent(ClickEvent event) {
        return LATE_PREFIX + event.eventId + ":" + event.ingestTime;
    }
}
