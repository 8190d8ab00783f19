package io.dynbatch.job.model;

import java.util.Objects;

/**
 * One validated clickstream event. A Flink POJO (public no-arg constructor, public fields), so it
 * is serialized by Flink's PojoSerializer, never Kryo.
 */
public class ClickEvent {

    /** Producer-assigned id, unique per event. */
    public long eventId;
    /** Page path, e.g. {@code /p/17}. */
    public String page;
    /** One of {@link EventType}'s wire names. */
    public String eventType;
    public long userId;
    /** When the event entered the pipeline upstream (epoch millis); insight latency starts here. */
    public long ingestTime;

    public ClickEvent() {}

    public ClickEvent(long eventId, String page, String eventType, long userId, long ingestTime) {
        this.eventId = eventId;
        this.page = page;
        this.eventType = eventType;
        this.userId = userId;
        this.ingestTime = ingestTime;
    }

    /** The start of the event's minute (epoch millis), the time column of its aggregated row. */
    public long minute() {
        return Math.floorDiv(ingestTime, 60_000L) * 60_000L;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClickEvent)) {
            return false;
        }
        ClickEvent e = (ClickEvent) o;
        return eventId == e.eventId && userId == e.userId && ingestTime == e.ingestTime
                && Objects.equals(page, e.page) && Objects.equals(eventType, e.eventType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, page, eventType, userId, ingestTime);
    }

    @Override
    public String toString() {
        return "ClickEvent{" + eventId + ", " + page + ", " + eventType + ", user=" + userId + ", ingest=" + ingestTime + "}";
    }
}
