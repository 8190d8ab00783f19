package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A subtask's pre-compaction emits per-shard bundles that hold exactly its events (rows, counts,
 * ingest times), at its size and time bounds, before every barrier, watermark and end of input,
 * and never holds a watermark ahead of the bundles it precedes.
 */
class PreCompactByShardTest {

    private static final long MINUTE = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;
    private static final ShardKeys KEYS = new ShardKeys(4, 128);

    private static OneInputStreamOperatorTestHarness<ClickEvent, ShardBundle> harness(long maxEvents,
            Duration maxDelay) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new PreCompactByShard(KEYS, maxEvents, maxDelay));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    private static ClickEvent event(int page, long ingest) {
        return new ClickEvent(page, "/p/" + page, page % 2 == 0 ? "view" : "click", 1, ingest);
    }

    private static void send(OneInputStreamOperatorTestHarness<ClickEvent, ShardBundle> h, ClickEvent e)
            throws Exception {
        h.processElement(e, e.ingestTime);
    }

    private static List<ShardBundle> bundles(OneInputStreamOperatorTestHarness<ClickEvent, ShardBundle> h) {
        List<ShardBundle> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add(((ShardBundle) ((StreamRecord<?>) o).getValue()));
            }
        }
        return out;
    }

    /** Row -> events of {@code events}, as a batch of them would count. */
    private static Map<RowKey, Long> rowsOf(List<ClickEvent> events) {
        return CompactedBatch.of(events).rowCounts;
    }

    @Test
    void bundlesHoldExactlyTheEventsOnePerShardAtTheSizeBound() throws Exception {
        try (var h = harness(100, Duration.ofSeconds(10))) {
            List<ClickEvent> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ClickEvent e = event(i % 37, MINUTE + 1_000 + i % 7);
                sent.add(e);
                send(h, e);
            }
            List<ShardBundle> out = bundles(h);
            assertThat(out).extracting(b -> b.shard).doesNotHaveDuplicates();
            assertThat(out.stream().mapToLong(ShardBundle::events).sum()).isEqualTo(100);
            assertThat(ShardBundle.merge(out).rowCounts).isEqualTo(rowsOf(sent));
            for (ShardBundle b : out) {
                b.rows.rowCounts.keySet().forEach(row -> assertThat(KEYS.shardOf(new ClickEvent(0, row.page,
                        row.eventType, 0, row.minute))).isEqualTo(b.shard));
            }
        }
    }

    @Test
    void aBundleIsTimestampedWithItsOldestIngestTimeAndKeepsEveryIngestTime() throws Exception {
        try (var h = harness(3, Duration.ofSeconds(10))) {
            send(h, event(1, MINUTE + 500));
            send(h, event(1, MINUTE + 200));
            send(h, event(1, MINUTE + 900));
            StreamRecord<?> record = (StreamRecord<?>) h.getOutput().poll();
            assertThat(record.getTimestamp()).isEqualTo(MINUTE + 200);
            ShardBundle bundle = (ShardBundle) record.getValue();
            Map<Long, Long> ingestTimes = new HashMap<>();
            RowKey row = RowKey.of(event(1, MINUTE));
            bundle.rows.forEachIngestTime(row, (t, n) -> ingestTimes.merge(t, n, Long::sum));
            assertThat(ingestTimes).containsOnly(Map.entry(MINUTE + 500, 1L), Map.entry(MINUTE + 200, 1L),
                    Map.entry(MINUTE + 900, 1L));
        }
    }

    @Test
    void bundlesGoAtTheTimeBoundCountedFromTheirFirstEvent() throws Exception {
        try (var h = harness(1_000, Duration.ofMillis(20))) {
            send(h, event(1, MINUTE));
            h.setProcessingTime(19);
            assertThat(bundles(h)).isEmpty();
            h.setProcessingTime(20);
            assertThat(bundles(h)).hasSize(1);
            send(h, event(2, MINUTE)); // a new round: its own timer, from its own first event
            h.setProcessingTime(39);
            assertThat(bundles(h)).hasSize(1);
            h.setProcessingTime(40);
            assertThat(bundles(h)).hasSize(2);
        }
    }

    @Test
    void aRoundThatBeginsBehindHoldsToTheBacklogLimitsAFreshOneToTheNormalOnes() throws Exception {
        PreCompactByShard op = new PreCompactByShard(KEYS, 3, Duration.ofMillis(20))
                .whileBehind(Duration.ofSeconds(2), 5, Duration.ofMillis(200));
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            long now = MINUTE + 10_000;
            h.setProcessingTime(now);
            h.open();
            send(h, event(1, now - 2_001)); // older than 2 s: the round is behind
            h.setProcessingTime(now + 199);
            assertThat(bundles(h)).isEmpty();
            h.setProcessingTime(now + 200);
            assertThat(bundles(h)).hasSize(1);

            for (int i = 0; i < 4; i++) {
                send(h, event(1, now - 3_000)); // behind: 5 events before the cap
            }
            assertThat(bundles(h)).hasSize(1);
            send(h, event(1, now - 3_000));
            assertThat(bundles(h)).hasSize(2);

            send(h, event(1, now + 200 - 1_000)); // fresh (1 s old): the normal 20 ms and 3 events
            h.setProcessingTime(now + 219);
            assertThat(bundles(h)).hasSize(2);
            h.setProcessingTime(now + 220);
            assertThat(bundles(h)).hasSize(3);
            send(h, event(1, now));
            send(h, event(2, now - 5_000)); // an old event later in a fresh round changes nothing
            send(h, event(1, now));
            assertThat(bundles(h)).hasSize(5); // the size bound of 3: one bundle per shard
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpointBarrierOrTheEndOfInput() throws Exception {
        try (var h = harness(1_000, Duration.ofSeconds(10))) {
            send(h, event(1, MINUTE));
            h.prepareSnapshotPreBarrier(1);
            assertThat(bundles(h)).hasSize(1);
            send(h, event(2, MINUTE));
            h.endInput();
            assertThat(bundles(h)).hasSize(2);
        }
    }

    @Test
    void aWatermarkWaitsForTheOpenBundlesAndTheFinalOneEmptiesThem() throws Exception {
        try (var h = harness(1_000, Duration.ofSeconds(10))) {
            h.processWatermark(new Watermark(MINUTE - 1)); // nothing open: forwarded at once
            assertThat(h.getOutput()).containsExactly(new Watermark(MINUTE - 1));
            send(h, event(1, MINUTE));
            h.processWatermark(new Watermark(MINUTE + 5));
            assertThat(h.getOutput()).hasSize(1); // held
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(3);
            assertThat(out.get(1)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(2)).isEqualTo(new Watermark(Long.MAX_VALUE)); // the latest held one, after the bundle
        }
    }

    @Test
    void theSerializerKeepsEveryRowCountAndIngestTime() throws Exception {
        ShardBundle bundle = new ShardBundle(3);
        for (int i = 0; i < 50; i++) {
            bundle.add(event(i % 5, MINUTE + i * 7 % 13));
        }
        TypeSerializer<ShardBundle> serializer = ShardBundleSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(bundle, out);
        ShardBundle back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.shard).isEqualTo(3);
        assertThat(back.oldestIngest).isEqualTo(bundle.oldestIngest);
        assertThat(back.events()).isEqualTo(50);
        assertThat(back.rows.rowCounts).isEqualTo(bundle.rows.rowCounts);
        for (RowKey row : bundle.rows.rowCounts.keySet()) {
            Map<Long, Long> expected = new HashMap<>();
            Map<Long, Long> actual = new HashMap<>();
            bundle.rows.forEachIngestTime(row, (t, n) -> expected.merge(t, n, Long::sum));
            back.rows.forEachIngestTime(row, (t, n) -> actual.merge(t, n, Long::sum));
            assertThat(actual).isEqualTo(expected);
        }
        assertThat(serializer.copy(bundle).rows.rowCounts).isEqualTo(bundle.rows.rowCounts);
    }

    @Test
    void boundsAreChecked() {
        assertThatThrownBy(() -> new PreCompactByShard(KEYS, 0, Duration.ofMillis(20)))
                .hasMessageContaining("maxEvents");
        assertThatThrownBy(() -> new PreCompactByShard(KEYS, 10, Duration.ZERO)).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new PreCompactByShard(KEYS, 10, Duration.ofMillis(20))
                .whileBehind(Duration.ZERO, 10, Duration.ofMillis(200))).hasMessageContaining("age");
    }
}
