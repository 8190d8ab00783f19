package io.dynbatch.job.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink's serializer for {@link ClickEvent}, on the network and in window state: the three longs as
 * they are, the event type and page as {@link CompactFields} encodes them. Every event crosses it
 * twice on the way into a batch (network, list-state append) and once out (the batch's read), so it
 * avoids what the reflective POJO serializer costs: boxing every {@code long}, a thread-local lookup
 * per string, and a reflective access per field. Deserialized event types are the enum's own strings
 * (shared, not one copy per pending event).
 */
public final class ClickEventSerializer extends NonReusingSerializer<ClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final ClickEventSerializer INSTANCE = new ClickEventSerializer();

    private ClickEventSerializer() {}

    @Override
    public ClickEvent createInstance() {
        return new ClickEvent();
    }

    @Override
    public ClickEvent copy(ClickEvent from) {
        return new ClickEvent(from.eventId, from.page, from.eventType, from.userId, from.ingestTime);
    }

    @Override
    public void serialize(ClickEvent e, DataOutputView out) throws IOException {
        out.writeLong(e.eventId);
        out.writeLong(e.userId);
        out.writeLong(e.ingestTime);
        CompactFields.writeEventType(e.eventType, out);
        CompactFields.writeNullable(e.page, out);
    }

    @Override
    public ClickEvent deserialize(DataInputView in) throws IOException {
        ClickEvent e = new ClickEvent();
        e.eventId = in.readLong();
        e.userId = in.readLong();
        e.ingestTime = in.readLong();
        e.eventType = CompactFields.readEventType(in);
        e.page = CompactFields.readNullable(in);
        return e;
    }

    @Override
    public TypeSerializerSnapshot<ClickEvent> snapshotConfiguration() {
        return new ClickEventSerializerSnapshot();
    }

    /** The serializer's snapshot in savepoints: it has no configuration. */
    public static final class ClickEventSerializerSnapshot extends SimpleTypeSerializerSnapshot<ClickEvent> {
        public ClickEventSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
