package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A compacted batch keeps, per row, exactly the ingest times of the row's events. */
class CompactedBatchTest {

    private static final long MINUTE = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;

    private static ClickEvent event(String page, long ingestTime) {
        return new ClickEvent(0, page, "view", 1, ingestTime);
    }

    /** Ingest time -> events, as the batch reports them for {@code row}. */
    private static Map<Long, Long> ingestTimesOf(CompactedBatch batch, RowKey row) {
        Map<Long, Long> times = new TreeMap<>();
        batch.forEachIngestTime(row, (ingest, events) -> times.merge(ingest, events, Long::sum));
        return times;
    }

    @Test
    void eachRowKeepsItsOwnEventsIngestTimes() {
        CompactedBatch batch = new CompactedBatch();
        for (long t : new long[] {MINUTE + 5, MINUTE + 5, MINUTE + 9, MINUTE + 5, MINUTE + 59_999}) {
            batch.add(event("/p/1", t));
        }
        batch.add(event("/p/2", MINUTE + 7));
        batch.add(event("/p/1", MINUTE + 60_000)); // the next minute: another row

        RowKey p1 = new RowKey("/p/1", "view", MINUTE);
        assertThat(ingestTimesOf(batch, p1)).isEqualTo(
                Map.of(MINUTE + 5, 3L, MINUTE + 9, 1L, MINUTE + 59_999, 1L));
        assertThat(ingestTimesOf(batch, new RowKey("/p/2", "view", MINUTE))).containsExactly(Map.entry(MINUTE + 7, 1L));
        assertThat(ingestTimesOf(batch, new RowKey("/p/1", "view", MINUTE + 60_000)))
                .containsExactly(Map.entry(MINUTE + 60_000, 1L));
        assertThat(batch.rowCounts.get(p1)).isEqualTo(5);
        assertThat(batch.events).isEqualTo(7);
        assertThat(batch.oldestIngest()).isEqualTo(MINUTE + 5);
        assertThat(new CompactedBatch().oldestIngest()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRunOfMoreThan65535EventsContinuesInANewRun() {
        CompactedBatch batch = new CompactedBatch();
        int events = IngestTimeRuns.MAX_RUN * 2 + 10;
        for (int i = 0; i < events; i++) {
            batch.add(event("/p/1", MINUTE + 42));
        }
        RowKey row = new RowKey("/p/1", "view", MINUTE);
        assertThat(batch.rowIngestTimes.get(row).size).isEqualTo(3);
        assertThat(ingestTimesOf(batch, row)).containsExactly(Map.entry(MINUTE + 42, (long) events));
    }

    @Test
    void mergingAddsUpPerRow() {
        CompactedBatch a = new CompactedBatch();
        a.add(event("/p/1", MINUTE + 1));
        CompactedBatch b = new CompactedBatch();
        b.add(event("/p/1", MINUTE + 1));
        b.add(event("/p/1", MINUTE + 2));
        b.add(event("/p/2", MINUTE + 3));
        a.addAll(b);

        assertThat(ingestTimesOf(a, new RowKey("/p/1", "view", MINUTE)))
                .isEqualTo(Map.of(MINUTE + 1, 2L, MINUTE + 2, 1L));
        assertThat(ingestTimesOf(a, new RowKey("/p/2", "view", MINUTE))).containsExactly(Map.entry(MINUTE + 3, 1L));
        assertThat(a.events).isEqualTo(4);
    }

    @Test
    void survivesFlinksSerializer() throws Exception {
        CompactedBatch batch = new CompactedBatch();
        for (int i = 0; i < 100; i++) {
            batch.add(event("/p/" + i % 3, MINUTE + i * 17));
        }
        TypeSerializer<CompactedBatch> serializer =
                TypeInformation.of(CompactedBatch.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(batch, out);
        CompactedBatch copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(copy.rowCounts).isEqualTo(batch.rowCounts);
        for (RowKey row : batch.rowCounts.keySet()) {
            assertThat(ingestTimesOf(copy, row)).isEqualTo(ingestTimesOf(batch, row));
        }
    }

    @Test
    void refusesATimeOutsideTheRowsMinute() {
        assertThatThrownBy(() -> new IngestTimeRuns().add(60_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IngestTimeRuns().add(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
