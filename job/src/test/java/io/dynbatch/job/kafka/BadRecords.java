package io.dynbatch.job.kafka;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.source.ClickstreamGenerator;

import java.util.List;

/** Bad records of every kind the job dead-letters, each with the reason it must be dead-lettered for. */
final class BadRecords {

    /** A record and the dead-letter reason it must get. */
    record Bad(String json, String reason) {}

    private BadRecords() {}

    /**
     * One record of each kind. {@code now} is the producer's clock (the future one is an hour ahead
     * of it); the late event is ten minutes behind it, with event id {@code lateEventId} (give every
     * late event its own: an exact resend of a late event, same id and ingest time, is recorded once).
     */
    static List<Bad> oneOfEach(long now, long lateEventId) {
        return List.of(
                new Bad("{\"event_id\":1,\"page\":", "malformed_json"),
                new Bad("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":" + now
                        + ",\"referrer\":\"x\"}", "unknown_field"),
                new Bad("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1}", "missing_field"),
                new Bad("{\"event_id\":\"one\",\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":"
                        + now + "}", "wrong_type"),
                new Bad("{\"event_id\":1,\"page\":\"\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":" + now + "}",
                        "invalid_value"),
                new Bad("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"hover\",\"user_id\":1,\"ingest_ts\":" + now
                        + "}", "unknown_event_type"),
                new Bad("{\"event_id\":1,\"page\":\"/p/" + "x".repeat(5000) + "\"}", "oversized_record"),
                new Bad("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":"
                        + (now + 3_600_000) + "}", "future_timestamp"),
                new Bad(ClickstreamGenerator.toJson(new ClickEvent(lateEventId, "/p/1", "view", 1, now - 600_000)),
                        "late_event"));
    }
}
