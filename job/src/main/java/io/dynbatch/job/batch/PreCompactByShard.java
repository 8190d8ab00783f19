package io.dynbatch.job.batch;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Duration;
import java.util.Objects;

/**
 * A subtask's pre-compaction before the shuffle by shard (the local half of a local-global
 * aggregation, as in Flink SQL's mini-batch): the subtask's events are compacted per shard on the
 * heap, and each shard's {@link ShardBundle} goes downstream when the bundle reaches {@code
 * maxEvents} events in all or {@code maxDelay} after its first event, so the shuffle, the window
 * state and the trigger handle one record per shard and bundle instead of one per event.
 *
 * <p>Guarantees: nothing is held across a checkpoint barrier ({@link #prepareSnapshotPreBarrier}
 * emits every open bundle before it), so the operator has no state and a restore replays whatever
 * the checkpoint did not include; nothing is held at end of input. A watermark is held while
 * bundles are open and forwarded right after they are emitted, so no bundle follows a watermark
 * its events precede, and the end of input (the final watermark) empties every bundle at once.
 * Every event adds at most {@code maxDelay} (plus timer lag) to its insight latency.
 *
 * <p>While the subtask is behind ({@link #whileBehind}): when the first event of a round of bundles
 * is already older than {@code age} (its ingest time, the record timestamp), its latency target is
 * lost anyway, so the round holds up to the larger backlog limits; bundles then carry more events
 * each, so the windows downstream take fewer, larger records while the backlog drains (with one
 * shard per key group a subtask's events are otherwise spread thin over many small bundles). A
 * round that began fresh keeps the normal limits.
 */
public class PreCompactByShard extends AbstractStreamOperator<ShardBundle>
        implements OneInputStreamOperator<ClickEvent, ShardBundle>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final ShardKeys shardKeys;
    private final long maxEvents;
    private final long maxDelayMillis;
    private final long behindAgeMillis;
    private final long behindEvents;
    private final long behindDelayMillis;

    private transient ShardBundle[] open;
    private transient long buffered;
    private transient long bundleRound; // the round the registered timer belongs to
    private transient long roundEvents; // the events cap of the open round
    private transient Watermark heldWatermark;
    private transient Counter bundles;
    private transient Counter events;

    /**
     * @param maxEvents a subtask emits its bundles when they hold this many events in all
     * @param maxDelay and at the latest this long after the first of them arrived
     */
    public PreCompactByShard(ShardKeys shardKeys, long maxEvents, Duration maxDelay) {
        this(shardKeys, requireEvents(maxEvents, "maxEvents"), requireDelay(maxDelay, "maxDelay").toMillis(), Long.MAX_VALUE,
                maxEvents, maxDelay.toMillis());
    }

    private PreCompactByShard(ShardKeys shardKeys, long maxEvents, long maxDelayMillis, long behindAgeMillis,
            long behindEvents, long behindDelayMillis) {
        this.shardKeys = Objects.requireNonNull(shardKeys, "shardKeys");
        this.maxEvents = maxEvents;
        this.maxDelayMillis = maxDelayMillis;
        this.behindAgeMillis = behindAgeMillis;
        this.behindEvents = behindEvents;
        this.behindDelayMillis = behindDelayMillis;
    }

    /**
     * A copy that, when a round's first event is older than {@code age}, holds that round up to
     * {@code events} events or {@code delay} (each at least the normal limit).
     */
    public PreCompactByShard whileBehind(Duration age, long events, Duration delay) {
        requireDelay(age, "age");
        return new PreCompactByShard(shardKeys, maxEvents, maxDelayMillis, age.toMillis(),
                Math.max(maxEvents, requireEvents(events, "events")),
                Math.max(maxDelayMillis, requireDelay(delay, "delay").toMillis()));
    }

    private static long requireEvents(long events, String name) {
        if (events < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + events);
        }
        return events;
    }

    private static Duration requireDelay(Duration delay, String name) {
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + delay);
        }
        return delay;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new ShardBundle[shardKeys.shards()];
        var group = getRuntimeContext().getMetricGroup().addGroup("dynbatch");
        bundles = group.counter("preCompactedBundles");
        events = group.counter("preCompactedEvents");
    }

    @Override
    public void processElement(StreamRecord<ClickEvent> element) throws Exception {
        ClickEvent e = element.getValue();
        int shard = shardKeys.shardOf(e);
        ShardBundle bundle = open[shard];
        if (bundle == null) {
            bundle = new ShardBundle(shard);
            open[shard] = bundle;
        }
        bundle.add(e);
        if (++buffered == 1) {
            long round = ++bundleRound;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            boolean behind = now - e.ingestTime > behindAgeMillis;
            roundEvents = behind ? behindEvents : maxEvents;
            long due = now + (behind ? behindDelayMillis : maxDelayMillis);
            getProcessingTimeService().registerTimer(due, time -> {
                if (round == bundleRound) {
                    emitBundles();
                }
            });
        }
        if (buffered >= roundEvents) {
            emitBundles();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (buffered == 0) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark;
            if (mark.getTimestamp() == Long.MAX_VALUE) {
                emitBundles();
            }
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitBundles();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        emitBundles();
    }

    @Override
    public void finish() throws Exception {
        emitBundles();
        super.finish();
    }

    /** Emits every open bundle (timestamped with its oldest ingest time), then a held watermark. */
    private void emitBundles() throws Exception {
        if (buffered > 0) {
            for (int s = 0; s < open.length; s++) {
                ShardBundle bundle = open[s];
                if (bundle != null) {
                    open[s] = null;
                    output.collect(new StreamRecord<>(bundle, bundle.oldestIngest));
                    bundles.inc();
                }
            }
            events.inc(buffered);
            buffered = 0;
            bundleRound++; // the pending timer is stale now
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }
}
