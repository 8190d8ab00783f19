package io.dynbatch.job.model;

import io.dynbatch.job.batch.ShardBundle;
import io.dynbatch.job.batch.ShardBundleSerializer;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClickEvent}, {@link RowKey} and {@link ShardBundle} are serialized by their own serializers, exactly, never by
 * Kryo, and the serializers' snapshots restore them.
 */
class OwnSerializersTest {

    private static final String LONG_PAGE = "/p/" + "\u00e9x\u4e2d".repeat(170); // 512 chars, 3-byte UTF-8

    private static <T> T roundTrip(TypeSerializer<T> serializer, T e) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(e, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        return back;
    }

    @Test
    void flinkUsesItAndNeverKryo() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(TypeInformation.of(ClickEvent.class).createSerializer(config)).isSameAs(ClickEventSerializer.INSTANCE);
        assertThat(TypeInformation.of(RowKey.class).createSerializer(config)).isSameAs(RowKeySerializer.INSTANCE);
        assertThat(TypeInformation.of(ShardBundle.class).createSerializer(config))
                .isSameAs(ShardBundleSerializer.INSTANCE);
    }

    @Test
    void rowKeysSurviveExactlyAndEqualRowsGiveEqualBytes() throws Exception {
        for (RowKey row : List.of(new RowKey("/p/1", "view", 60_000), new RowKey(LONG_PAGE, "odd-type", -60_000),
                new RowKey(null, null, 0))) {
            assertThat(roundTrip(RowKeySerializer.INSTANCE, row)).isEqualTo(row);
        }
        DataOutputSerializer a = new DataOutputSerializer(16);
        DataOutputSerializer b = new DataOutputSerializer(16);
        RowKeySerializer.INSTANCE.serialize(new RowKey("/p/1", "click", 60_000), a);
        RowKeySerializer.INSTANCE.serialize(new RowKey(new String("/p/1"), new String("click"), 60_000), b);
        assertThat(a.getCopyOfBuffer()).isEqualTo(b.getCopyOfBuffer()); // a RocksDB map key
    }

    @Test
    void everyFieldSurvivesExactly() throws Exception {
        for (ClickEvent e : List.of(
                new ClickEvent(1, "/p/1", "view", 7, 1_700_000_000_123L),
                new ClickEvent(Long.MIN_VALUE, LONG_PAGE, "purchase", Long.MAX_VALUE, -1),
                new ClickEvent(0, "/p/\u0001", "not-an-enum-type", 0, 0),
                new ClickEvent(5, null, null, 5, 5),
                new ClickEvent(9, "", "add_to_cart", -9, 9))) {
            assertThat(roundTrip(ClickEventSerializer.INSTANCE, e)).isEqualTo(e);
            assertThat(ClickEventSerializer.INSTANCE.copy(e)).isEqualTo(e).isNotSameAs(e);
        }
    }

    @Test
    void knownEventTypesComeBackAsTheEnumsOwnStrings() throws Exception {
        ClickEvent back = roundTrip(ClickEventSerializer.INSTANCE, new ClickEvent(1, "/p", new String("click"), 1, 1));
        assertThat(back.eventType).isSameAs(EventType.CLICK.wireName());
    }

    @Test
    void theirSnapshotsRestoreCompatibleSerializers() throws Exception {
        assertSnapshotRestores(ClickEventSerializer.INSTANCE);
        assertSnapshotRestores(RowKeySerializer.INSTANCE);
        assertSnapshotRestores(ShardBundleSerializer.INSTANCE);
    }

    private <T> void assertSnapshotRestores(TypeSerializer<T> serializer) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(serializer);
    }
}
