package io.dynbatch.triggers;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Serializer of {@link FlushTarget} (immutable): the reason's label (empty for none), the planned
 * size, the planned deadline and the predicted write time.
 */
public final class FlushTargetSerializer extends TypeSerializerSingleton<FlushTarget> {

    private static final long serialVersionUID = 1L;

    public static final FlushTargetSerializer INSTANCE = new FlushTargetSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public FlushTarget createInstance() {
        return FlushTarget.NONE;
    }

    @Override
    public FlushTarget copy(FlushTarget from) {
        return from;
    }

    @Override
    public FlushTarget copy(FlushTarget from, FlushTarget reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(FlushTarget t, DataOutputView out) throws IOException {
        out.writeUTF(t.reason() == null ? "" : t.reason().label());
        out.writeLong(t.plannedSize());
        out.writeLong(t.plannedDeadlineMillis());
        out.writeDouble(t.predictedWriteMillis());
    }

    @Override
    public FlushTarget deserialize(DataInputView in) throws IOException {
        String label = in.readUTF();
        FlushReason reason = label.isEmpty() ? null : FlushReason.ofLabel(label);
        return new FlushTarget(reason, in.readLong(), in.readLong(), in.readDouble());
    }

    @Override
    public FlushTarget deserialize(FlushTarget reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        out.writeUTF(in.readUTF());
        out.writeLong(in.readLong());
        out.writeLong(in.readLong());
        out.writeDouble(in.readDouble());
    }

    @Override
    public TypeSerializerSnapshot<FlushTarget> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: it has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FlushTarget> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
