package io.dynbatch.sim;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The benchmark scenarios, declared once: their names, what each one is about and the shape both
 * runners share. The simulator builds each in simulated time ({@link Scenarios}); the A/B benchmark
 * of the real job turns each into generator options and a database slowdown. A runner that cannot
 * run a scenario says so by name rather than running something else.
 *
 * <p>What the runners share: the SLO (p99 insight latency per 10-s interval); a slow sink for the
 * middle third of the run ({@link #slowFrom()}, {@link #slowUntil()}); one shard taking half of
 * the events ({@link #hotShare()}); a diurnal peak {@link #PEAK_OVER_TROUGH} times the trough; a
 * start with events already due; upstream lag swinging up to {@link #LAG_SWING_MAX_MILLIS}.
 * Durations and rates differ: the simulator runs 15-30 simulated minutes at 8k events/s per
 * subtask, the real job 2 minutes (at scale 1) on 2 subtasks.
 */
public enum ScenarioKind {
    /** A compressed day, peak 10x the trough, upstream lag growing with load. */
    S1_DIURNAL("S1", "diurnal"),
    /** Every write slower in the middle third of the run. */
    S2_SLOW_SINK("S2", "slow_sink"),
    /** The job starts behind: a backlog is due at once, then live traffic. */
    S3_BACKLOG("S3", "backlog"),
    /** One shard takes half of all events. */
    S4_KEY_SKEW("S4", "key_skew"),
    /** Upstream lag swings between 0 and 1.5 s and back. */
    S5_LAG_SWINGS("S5", "lag_swings");

    /** The SLO every scenario is judged by: p99 insight latency per interval. */
    public static final long SLO_MILLIS = 2_000;
    /** The reporting interval whose p99 is held to the SLO. */
    public static final long INTERVAL_MILLIS = 10_000;
    /** S1: the peak's events/s over the trough's. */
    public static final double PEAK_OVER_TROUGH = 10;
    /** S5: the largest upstream lag of a swing. */
    public static final long LAG_SWING_MAX_MILLIS = 1_500;
    /** S5: the period of a swing, 0 -> max -> 0. */
    public static final long LAG_SWING_PERIOD_MILLIS = 90_000;

    private final String id;
    private final String slug;

    ScenarioKind(String id, String slug) {
        this.id = id;
        this.slug = slug;
    }

    /** The short name in the simulator's tables: {@code S1} ... {@code S5}. */
    public String id() {
        return id;
    }

    /** The name in the A/B benchmark's files: {@code S1_diurnal} ... {@code S5_lag_swings}. */
    public String abName() {
        return id + "_" + slug;
    }

    /** S2: the slowdown starts at this fraction of the run (0 for the others: no slowdown). */
    public double slowFrom() {
        return this == S2_SLOW_SINK ? 1.0 / 3 : 0;
    }

    /** S2: the slowdown ends at this fraction of the run. */
    public double slowUntil() {
        return this == S2_SLOW_SINK ? 2.0 / 3 : 0;
    }

    /** S4: the share of all events that goes to one shard (0: the shards share evenly). */
    public double hotShare() {
        return this == S4_KEY_SKEW ? 0.5 : 0;
    }

    /** {@code S3}, {@code S3_backlog} or {@code s3_backlog}. */
    public static ScenarioKind byName(String name) {
        String n = name.trim();
        for (ScenarioKind k : values()) {
            if (k.id.equalsIgnoreCase(n) || k.abName().equalsIgnoreCase(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + name + "; one of " + Arrays.stream(values())
                .map(ScenarioKind::abName).collect(Collectors.joining(", ")));
    }
}
