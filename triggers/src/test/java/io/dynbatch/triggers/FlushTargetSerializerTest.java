package io.dynbatch.triggers;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FlushTargetSerializer}: its own serializer (no Kryo), round trips and a restorable snapshot. */
class FlushTargetSerializerTest {

    private static FlushTarget roundTrip(TypeSerializer<FlushTarget> serializer, FlushTarget t) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(t, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void theStateUsesItsOwnSerializer() {
        assertThat(FlushTarget.descriptor().getSerializer()).isSameAs(FlushTargetSerializer.INSTANCE);
        assertThat(FlushTarget.descriptor().getName()).isEqualTo(FlushTarget.STATE_NAME).isNotEqualTo("dynbatch-flush-target");
    }

    @Test
    void roundTripsEveryReasonAndNone() throws Exception {
        for (FlushReason r : FlushReason.values()) {
            FlushTarget t = new FlushTarget(r, 1_234, 1_700_000_000_123L, 17.25);
            assertThat(roundTrip(FlushTargetSerializer.INSTANCE, t)).isEqualTo(t);
        }
        assertThat(roundTrip(FlushTargetSerializer.INSTANCE, FlushTarget.NONE)).isEqualTo(FlushTarget.NONE);
        assertThat(roundTrip(FlushTargetSerializer.INSTANCE, FlushTarget.of(FlushReason.ROUND)))
                .isEqualTo(FlushTarget.of(FlushReason.ROUND));
    }

    @Test
    void itsSnapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<FlushTarget> snapshot = FlushTargetSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<FlushTarget> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isSameAs(FlushTargetSerializer.INSTANCE);
        assertThat(FlushTargetSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read))
                .matches(TypeSerializerSchemaCompatibility::isCompatibleAsIs);
        TypeSerializer<FlushTarget> copy = InstantiationUtil.clone(FlushTargetSerializer.INSTANCE);
        assertThat(roundTrip(copy, FlushTarget.of(FlushReason.SIZE))).isEqualTo(FlushTarget.of(FlushReason.SIZE));
    }
}
