package io.dynbatch.job.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink's serializer for {@link RowKey}, the user key of the per-row totals in keyed state (on
 * RocksDB serialized for every read and write): page and event type as {@link CompactFields} encodes
 * them, then the minute. Deterministic, as a RocksDB key must be: equal rows give equal bytes.
 */
public final class RowKeySerializer extends NonReusingSerializer<RowKey> {

    private static final long serialVersionUID = 1L;

    public static final RowKeySerializer INSTANCE = new RowKeySerializer();

    private RowKeySerializer() {}

    @Override
    public RowKey createInstance() {
        return new RowKey();
    }

    @Override
    public RowKey copy(RowKey from) {
        return new RowKey(from.page, from.eventType, from.minute);
    }

    @Override
    public void serialize(RowKey e, DataOutputView out) throws IOException {
        CompactFields.writeNullable(e.page, out);
        CompactFields.writeEventType(e.eventType, out);
        out.writeLong(e.minute);
    }

    @Override
    public RowKey deserialize(DataInputView in) throws IOException {
        RowKey row = new RowKey();
        row.page = CompactFields.readNullable(in);
        row.eventType = CompactFields.readEventType(in);
        row.minute = in.readLong();
        return row;
    }

    @Override
    public TypeSerializerSnapshot<RowKey> snapshotConfiguration() {
        return new RowKeySerializerSnapshot();
    }

    /** The serializer's snapshot in savepoints: it has no configuration. */
    public static final class RowKeySerializerSnapshot extends SimpleTypeSerializerSnapshot<RowKey> {
        public RowKeySerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
