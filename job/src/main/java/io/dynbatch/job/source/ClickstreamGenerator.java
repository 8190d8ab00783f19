package io.dynbatch.job.source;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.EventType;
import io.dynbatch.job.model.RowKey;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The seeded, bounded clickstream: event {@code i} (its page, type, user and ingest time) is a pure
 * function of {@code (seed, i)}, and its ingest time is {@code startMillis + schedule.offset(i)}.
 * So the generator source can resume anywhere and a test can compute the exact ground truth.
 *
 * <p>Pages follow a skewed (roughly power-law) popularity; event types are 70% view, 20% click, 7%
 * add_to_cart, 3% purchase.
 */
public final class ClickstreamGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EventSchedule schedule;
    private final long startMillis;
    private final long seed;
    private final int pages;

    private final double hotShare;
    private final LagSwing lag;

    public ClickstreamGenerator(EventSchedule schedule, long startMillis, long seed, int pages) {
        this(schedule, startMillis, seed, pages, 0.0);
    }

    /**
     * @param hotShare share of events in [0, 1) that go to one hot row ({@code /p/0}, view), to skew
     *     the load onto one shard
     */
    public ClickstreamGenerator(EventSchedule schedule, long startMillis, long seed, int pages, double hotShare) {
        this(schedule, startMillis, seed, pages, hotShare, LagSwing.NONE);
    }

    /** @param lag how long after its ingest time each event is released (upstream lag); none by default */
    public ClickstreamGenerator(EventSchedule schedule, long startMillis, long seed, int pages, double hotShare,
            LagSwing lag) {
        if (pages <= 0) {
            throw new IllegalArgumentException("pages must be > 0, got " + pages);
        }
        if (hotShare < 0 || hotShare >= 1) {
            throw new IllegalArgumentException("hotShare must be in [0, 1), got " + hotShare);
        }
        this.hotShare = hotShare;
        this.lag = Objects.requireNonNull(lag, "lag");
        this.schedule = schedule;
        this.startMillis = startMillis;
        this.seed = seed;
        this.pages = pages;
    }

    public long totalEvents() {
        return schedule.totalEvents();
    }

    public long startMillis() {
        return startMillis;
    }

    /** When event {@code index} is due (epoch millis); it is also the event's ingest time. */
    public long dueAt(long index) {
        return startMillis + schedule.offsetMillis(index);
    }

    /** When event {@code index} is released to the job: its due time plus the upstream lag then. */
    public long releasedAt(long index) {
        long offset = schedule.offsetMillis(index);
        return startMillis + offset + lag.lagMillis(offset);
    }

    public ClickEvent event(long index) {
        long r1 = mix(seed ^ (index * 0x9E3779B97F4A7C15L));
        long r2 = mix(r1 + 0x632BE59BD9B4E019L);
        double u = (r1 >>> 11) * 0x1.0p-53;
        int page = (int) (pages * u * u * u);
        int typeRoll = (int) Math.floorMod(r2, 100L);
        EventType type = typeRoll < 70 ? EventType.VIEW
                : typeRoll < 90 ? EventType.CLICK
                : typeRoll < 97 ? EventType.ADD_TO_CART
                : EventType.PURCHASE;
        long user = Math.floorMod(r2 >>> 8, 100_000L);
        if (hotShare > 0 && Math.floorMod(r2 >>> 24, 10_000L) < (long) (hotShare * 10_000)) {
            return new ClickEvent(index, "/p/0", EventType.VIEW.wireName(), user, dueAt(index));
        }
        return new ClickEvent(index, "/p/" + page, type.wireName(), user, dueAt(index));
    }

    /**
     * The origin of the events of one source split, without the index: {@code
     * generator:<seed>@<startMillis>:<splitId>:}. Seed and start tell runs into the same dead-letter
     * table apart; within a run, split and index are restored from checkpoints, so a replayed event
     * has the same origin.
     */
    public String originPrefix(String splitId) {
        return "generator:" + seed + "@" + startMillis + ":" + splitId + ":";
    }

    /** The event as the JSON a producer would send. */
    public String json(long index) {
        return toJson(event(index));
    }

    public static String toJson(ClickEvent e) {
        return "{\"event_id\":" + e.eventId + ",\"page\":\"" + e.page + "\",\"event_type\":\"" + e.eventType
                + "\",\"user_id\":" + e.userId + ",\"ingest_ts\":" + e.ingestTime + "}";
    }

    /** The exact per-row totals of events {@code [0, totalEvents)}: the ground truth for tests. */
    public Map<RowKey, Long> expectedTotals() {
        Map<RowKey, Long> totals = new HashMap<>();
        for (long i = 0; i < totalEvents(); i++) {
            totals.merge(RowKey.of(event(i)), 1L, Long::sum);
        }
        return totals;
    }

    /** SplitMix64 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
