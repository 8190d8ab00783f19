package io.dynbatch.job.batch;

import io.dynbatch.job.model.NonReusingSerializer;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.model.RowKeySerializer;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Flink's serializer for {@link ShardBundle}, on the shuffle and in window state: the shard, the
 * oldest ingest time, the event count, then per row its key ({@link RowKeySerializer}), its event
 * count and its ingest-time runs (only the runs in use, not the spare capacity).
 */
public final class ShardBundleSerializer extends NonReusingSerializer<ShardBundle> {

    private static final long serialVersionUID = 1L;

    public static final ShardBundleSerializer INSTANCE = new ShardBundleSerializer();

    private ShardBundleSerializer() {}

    @Override
    public ShardBundle createInstance() {
        return new ShardBundle();
    }

    @Override
    public ShardBundle copy(ShardBundle from) {
        ShardBundle copy = new ShardBundle(from.shard);
        copy.oldestIngest = from.oldestIngest;
        copy.rows.addAll(from.rows);
        return copy;
    }

    @Override
    public void serialize(ShardBundle bundle, DataOutputView out) throws IOException {
        CompactedBatch rows = bundle.rows;
        out.writeInt(bundle.shard);
        out.writeLong(bundle.oldestIngest);
        out.writeLong(rows.events);
        out.writeInt(rows.rowCounts.size());
        for (Map.Entry<RowKey, Long> row : rows.rowCounts.entrySet()) {
            RowKeySerializer.INSTANCE.serialize(row.getKey(), out);
            out.writeLong(row.getValue());
            IngestTimeRuns runs = rows.rowIngestTimes.get(row.getKey());
            int size = runs == null ? 0 : runs.size;
            out.writeInt(size);
            for (int i = 0; i < size; i++) {
                out.writeInt(runs.runs[i]);
            }
        }
    }

    @Override
    public ShardBundle deserialize(DataInputView in) throws IOException {
        ShardBundle bundle = new ShardBundle(in.readInt());
        bundle.oldestIngest = in.readLong();
        CompactedBatch rows = bundle.rows;
        rows.events = in.readLong();
        int rowCount = in.readInt();
        rows.rowCounts = new HashMap<>(Math.max(4, rowCount * 4 / 3 + 1));
        rows.rowIngestTimes = new HashMap<>(Math.max(4, rowCount * 4 / 3 + 1));
        for (int r = 0; r < rowCount; r++) {
            RowKey row = RowKeySerializer.INSTANCE.deserialize(in);
            rows.rowCounts.put(row, in.readLong());
            int size = in.readInt();
            if (size > 0) {
                IngestTimeRuns runs = new IngestTimeRuns();
                runs.runs = new int[size];
                for (int i = 0; i < size; i++) {
                    runs.runs[i] = in.readInt();
                }
                runs.size = size;
                rows.rowIngestTimes.put(row, runs);
            }
        }
        return bundle;
    }

    @Override
    public TypeSerializerSnapshot<ShardBundle> snapshotConfiguration() {
        return new ShardBundleSerializerSnapshot();
    }

    /** The serializer's snapshot in savepoints: it has no configuration. */
    public static final class ShardBundleSerializerSnapshot extends SimpleTypeSerializerSnapshot<ShardBundle> {
        public ShardBundleSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
