package io.dynbatch.triggers.policy;

/** The default values of {@link AdaptivePolicyConfig} (maxDelay has none: it defaults to the SLO). */
public final class AdaptivePolicyDefaults {

    /** Insight-latency objective, ingest to commit. */
    public static final long SLO_MILLIS = 2_000;
    /** Hard cap on a batch's elements. */
    public static final long MAX_SIZE = 50_000;
    /** Hard cap on the estimated bytes of a key's pending batch: 64 MiB. */
    public static final long MAX_PENDING_BYTES = 64L << 20;
    /** Bytes per element assumed when the caller does not weigh elements. */
    public static final long ASSUMED_ELEMENT_BYTES = 256;
    /** Time kept in reserve before the SLO. */
    public static final long SAFETY_MARGIN_MILLIS = 100;
    /** Fraction of wall time the writer thread may spend writing. */
    public static final double TARGET_UTILISATION = 0.7;
    /** Half-life of the arrival-rate estimate. */
    public static final long RATE_HALF_LIFE_MILLIS = 2_000;
    /** Half-life of the writer-load estimate. */
    public static final long LOAD_HALF_LIFE_MILLIS = 10_000;
    /** Weight each older write keeps per newer write in the cost regression. */
    public static final double COST_FORGETTING = 0.9;
    /** Cost assumed per write call before the first measured write. */
    public static final double PRIOR_PER_CALL_MILLIS = 20.0;
    /** Cost assumed per element before the first measured write: 10 µs. */
    public static final double PRIOR_PER_ELEMENT_MILLIS = 0.010;
    /** A re-planned deadline moves the timer only if it differs by at least this much. */
    public static final long TIMER_TOLERANCE_MILLIS = 10;
    /** Backlog mode ends once arrivals are younger than this fraction of the SLO. */
    public static final double BACKLOG_EXIT_FRACTION = 0.75;

    private AdaptivePolicyDefaults() {}
}
