package io.dynbatch.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * The identity of one aggregated row in the analytics table: (page, event type, minute), with value
 * semantics; the key of a batch's rows and of the per-row totals in keyed state, where Flink
 * serializes it with {@link RowKeySerializer} (registered with {@code @TypeInfo}; never Kryo).
 */
@TypeInfo(RowKeyTypeInfo.class)
public class RowKey {

    public String page;
    public String eventType;
    /** Start of the minute, epoch millis. */
    public long minute;

    public RowKey() {}

    public RowKey(String page, String eventType, long minute) {
        this.page = page;
        this.eventType = eventType;
        this.minute = minute;
    }

    public static RowKey of(ClickEvent e) {
        return new RowKey(e.page, e.eventType, e.minute());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RowKey)) {
            return false;
        }
        RowKey k = (RowKey) o;
        return minute == k.minute && Objects.equals(page, k.page) && Objects.equals(eventType, k.eventType);
    }

    @Override
    public int hashCode() {
        int h = page == null ? 0 : page.hashCode();
        h = 31 * h + (eventType == null ? 0 : eventType.hashCode());
        return 31 * h + Long.hashCode(minute);
    }

    @Override
    public String toString() {
        return "(" + page + ", " + eventType + ", " + minute + ")";
    }
}
