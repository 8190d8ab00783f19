package io.dynbatch.sim;

import java.util.Arrays;
import java.util.List;

/**
 * The simulator's realisation of the five scenarios ({@link ScenarioKind}). Their constants come from the project's DESIGN notes, not from
 * the results: one subtask at 8k events/s (S1: 1.2k-12k), an SLO of 2 s, two shards per subtask
 * (DESIGN: keep shards per subtask to one or two; S4 has four so that one of them can take half),
 * 20 µs of operator time per event, and a sink that costs 25 ms per call (DESIGN's model slows to
 * ~125 ms per call at 5x) plus 0.01 ms per row (the unnest + ON CONFLICT rate measured on this
 * machine, ~100k rows/s), with +-15% noise and compaction onto 20,000 distinct rows per shard.
 * Upstream lag is the delay from ingest to the batching operator while that operator keeps up;
 * the operator's own backpressure (while it writes, nothing is read) comes on top, from the
 * simulation.
 *
 * <ul>
 *   <li><b>S1 diurnal</b>: a day compressed to 24 minutes, 1.2k events/s at night to 12k/s at the
 *       peak (10x), cosine-shaped; upstream lag grows with load, 50 ms at the trough to 1 s at the
 *       peak (busier brokers and upstream operators).
 *   <li><b>S2 slow sink</b>: 15 minutes at 8k events/s, upstream lag 100 ms; from minute 5 to 10
 *       every write costs 5x (125 ms per call + 0.05 ms per row: writes of 250-400 ms).
 *   <li><b>S3 backlog</b>: the job restarts with 10 minutes of events (8k/s, 4.8M events) waiting
 *       in Kafka, then 20 minutes live at 8k/s. Scored by the time until the SLO holds again, and
 *       by cost.
 *   <li><b>S4 key skew</b>: 15 minutes at 8k events/s over four shards; shard 0 gets 50% of the
 *       traffic, the other three 1/6 each; upstream lag 100 ms.
 *   <li><b>S5 upstream lag swings</b>: 15 minutes at 8k events/s; the consumer's lag swings
 *       between 0 and 1.5 s and back every 90 s (cosine-shaped), so the budget left when an event
 *       arrives swings between 2 s and 0.5 s.
 * </ul>
 */
public final class Scenarios {

    /** The SLO of every scenario. */
    public static final long SLO_MILLIS = ScenarioKind.SLO_MILLIS;

    static final double PER_CALL_MILLIS = 25;
    static final double PER_ROW_MILLIS = 0.01;
    static final double DISTINCT_ROWS_PER_SHARD = 20_000;
    static final double WRITE_NOISE = 0.15;
    /** 20 µs of operator time per event: at most 50k events/s through one subtask. */
    static final double PER_EVENT_MILLIS = 0.020;

    private static final long MINUTE = 60_000;
    private static final double[] TWO_EVEN = {0.5, 0.5};

    private Scenarios() {}

    public static List<Scenario> all() {
        return Arrays.stream(ScenarioKind.values()).map(Scenarios::of).toList();
    }

    /** The simulator's realisation of {@code kind}. */
    public static Scenario of(ScenarioKind kind) {
        return switch (kind) {
            case S1_DIURNAL -> diurnal();
            case S2_SLOW_SINK -> slowSink();
            case S3_BACKLOG -> backlog();
            case S4_KEY_SKEW -> keySkew();
            case S5_LAG_SWINGS -> lagSwings();
        };
    }

    private static SinkModel sink(long seed) {
        return SinkModel.steady(PER_CALL_MILLIS, PER_ROW_MILLIS, DISTINCT_ROWS_PER_SHARD, WRITE_NOISE, seed);
    }

    /** S1: 24 minutes, 1.2k -> 12k -> 1.2k events/s, upstream lag 50 ms -> 1 s -> 50 ms. */
    public static Scenario diurnal() {
        long day = 24 * MINUTE;
        double trough = 1_200;
        double peak = trough * ScenarioKind.PEAK_OVER_TROUGH;
        java.util.function.LongToDoubleFunction load =
                t -> (1 - Math.cos(2 * Math.PI * Math.floorMod(t, day) / day)) / 2; // 0 .. 1 .. 0
        return new Scenario(
                ScenarioKind.S1_DIURNAL.id(),
                "diurnal: 1.2k-12k ev/s over a 24-min day, upstream lag 50 ms-1 s with load",
                day,
                0,
                TWO_EVEN,
                t -> trough + (peak - trough) * load.applyAsDouble(t),
                t -> 50 + 950 * Math.pow(load.applyAsDouble(t), 2),
                sink(101),
                PER_EVENT_MILLIS,
                SLO_MILLIS,
                1);
    }

    /** S2: 15 minutes at 8k events/s, sink 5x slower in minutes 5-10. */
    public static Scenario slowSink() {
        ScenarioKind kind = ScenarioKind.S2_SLOW_SINK;
        long duration = 15 * MINUTE;
        return new Scenario(
                kind.id(),
                "slow sink: 8k ev/s, writes 5x slower (125 ms/call + 0.05 ms/row) in minutes 5-10",
                duration,
                0,
                TWO_EVEN,
                t -> 8_000,
                t -> 100,
                sink(102).withSlowdown(Math.round(duration * kind.slowFrom()), Math.round(duration * kind.slowUntil()), 5),
                PER_EVENT_MILLIS,
                SLO_MILLIS,
                2);
    }

    /** S3: 10 minutes of backlog at 8k events/s, then 20 minutes live at 8k events/s. */
    public static Scenario backlog() {
        return new Scenario(
                ScenarioKind.S3_BACKLOG.id(),
                "backlog: restart with 10 min of lag (4.8M events), then 20 min live at 8k ev/s",
                20 * MINUTE,
                10 * MINUTE,
                TWO_EVEN,
                t -> 8_000,
                t -> 100,
                sink(103),
                PER_EVENT_MILLIS,
                SLO_MILLIS,
                3);
    }

    /** S4: 15 minutes at 8k events/s over four shards, one of which takes half. */
    public static Scenario keySkew() {
        double hot = ScenarioKind.S4_KEY_SKEW.hotShare();
        return new Scenario(
                ScenarioKind.S4_KEY_SKEW.id(),
                "key skew: 8k ev/s over 4 shards, shard 0 gets 50%, shards 1-3 get 1/6 each",
                15 * MINUTE,
                0,
                new double[] {hot, (1 - hot) / 3, (1 - hot) / 3, (1 - hot) / 3},
                t -> 8_000,
                t -> 100,
                sink(104),
                PER_EVENT_MILLIS,
                SLO_MILLIS,
                4);
    }

    /** S5: 15 minutes at 8k events/s, upstream lag swinging 0 -> 1.5 s -> 0 every 90 s. */
    public static Scenario lagSwings() {
        return new Scenario(
                ScenarioKind.S5_LAG_SWINGS.id(),
                "upstream lag swings: 8k ev/s, consumer lag 0 -> 1.5 s -> 0 every 90 s",
                15 * MINUTE,
                0,
                TWO_EVEN,
                t -> 8_000,
                t -> ScenarioKind.LAG_SWING_MAX_MILLIS / 2.0 * (1 - Math.cos(2 * Math.PI * Math.floorMod(t, ScenarioKind.LAG_SWING_PERIOD_MILLIS)
                        / ScenarioKind.LAG_SWING_PERIOD_MILLIS)),
                sink(105),
                PER_EVENT_MILLIS,
                SLO_MILLIS,
                5);
    }
}
