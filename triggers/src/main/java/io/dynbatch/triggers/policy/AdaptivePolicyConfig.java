package io.dynbatch.triggers.policy;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of the {@link AdaptivePolicy}: the latency objective, the hard caps that always
 * hold, and the few constants of its estimators. Build with {@link #builder()}; {@link
 * Builder#build()} rejects inconsistent values with an {@link IllegalArgumentException}, so a
 * config that exists is usable.
 *
 * <p>Defaults: {@link AdaptivePolicyDefaults}; maxDelay defaults to the SLO.
 */
public final class AdaptivePolicyConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long sloMillis;
    private final long maxSize;
    private final long maxDelayMillis;
    private final long maxPendingBytes;
    private final long assumedElementBytes;
    private final long safetyMarginMillis;
    private final double targetUtilisation;
    private final long rateHalfLifeMillis;
    private final long loadHalfLifeMillis;
    private final double costForgetting;
    private final double priorPerCallMillis;
    private final double priorPerElementMillis;
    private final long timerToleranceMillis;
    private final double backlogExitFraction;

    private AdaptivePolicyConfig(Builder b) {
        this.sloMillis = b.sloMillis;
        this.maxSize = b.maxSize;
        this.maxDelayMillis = b.maxDelayMillis < 0 ? b.sloMillis : b.maxDelayMillis;
        this.maxPendingBytes = b.maxPendingBytes;
        this.assumedElementBytes = b.assumedElementBytes;
        this.safetyMarginMillis = b.safetyMarginMillis;
        this.targetUtilisation = b.targetUtilisation;
        this.rateHalfLifeMillis = b.rateHalfLifeMillis;
        this.loadHalfLifeMillis = b.loadHalfLifeMillis;
        this.costForgetting = b.costForgetting;
        this.priorPerCallMillis = b.priorPerCallMillis;
        this.priorPerElementMillis = b.priorPerElementMillis;
        this.timerToleranceMillis = b.timerToleranceMillis;
        this.backlogExitFraction = b.backlogExitFraction;
    }

    /** The defaults listed in the class comment. */
    public static AdaptivePolicyConfig defaults() {
        return builder().build();
    }

    /** The defaults with the given latency SLO (and maxDelay = SLO). */
    public static AdaptivePolicyConfig withSlo(Duration slo) {
        return builder().slo(slo).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sloMillis = sloMillis;
        b.maxSize = maxSize;
        b.maxDelayMillis = maxDelayMillis;
        b.maxPendingBytes = maxPendingBytes;
        b.assumedElementBytes = assumedElementBytes;
        b.safetyMarginMillis = safetyMarginMillis;
        b.targetUtilisation = targetUtilisation;
        b.rateHalfLifeMillis = rateHalfLifeMillis;
        b.loadHalfLifeMillis = loadHalfLifeMillis;
        b.costForgetting = costForgetting;
        b.priorPerCallMillis = priorPerCallMillis;
        b.priorPerElementMillis = priorPerElementMillis;
        b.timerToleranceMillis = timerToleranceMillis;
        b.backlogExitFraction = backlogExitFraction;
        return b;
    }

    /** Insight-latency objective: from an element's ingest time to the commit of its batch. */
    public long sloMillis() {
        return sloMillis;
    }

    /** Hard cap: no batch has more elements. */
    public long maxSize() {
        return maxSize;
    }

    /** Hard cap: no batch waits longer than this after its first element arrived. */
    public long maxDelayMillis() {
        return maxDelayMillis;
    }

    /** Hard cap on the estimated bytes a key's pending batch may hold. */
    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    /** Bytes per element assumed when the caller does not weigh elements. */
    public long assumedElementBytes() {
        return assumedElementBytes;
    }

    /** Fixed part of the time kept in reserve before the SLO (timer resolution, GC, clock skew). */
    public long safetyMarginMillis() {
        return safetyMarginMillis;
    }

    /** Fraction of wall time the subtask's writer thread may spend writing (stability bound). */
    public double targetUtilisation() {
        return targetUtilisation;
    }

    public long rateHalfLifeMillis() {
        return rateHalfLifeMillis;
    }

    public long loadHalfLifeMillis() {
        return loadHalfLifeMillis;
    }

    /** Weight each older write keeps per newer write in the cost regression, in (0, 1). */
    public double costForgetting() {
        return costForgetting;
    }

    public double priorPerCallMillis() {
        return priorPerCallMillis;
    }

    public double priorPerElementMillis() {
        return priorPerElementMillis;
    }

    /** A re-planned deadline moves the timer only if it differs by at least this much. */
    public long timerToleranceMillis() {
        return timerToleranceMillis;
    }

    /** Backlog mode ends once arrivals are younger than this fraction of the SLO (hysteresis). */
    public double backlogExitFraction() {
        return backlogExitFraction;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdaptivePolicyConfig && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "AdaptivePolicyConfig(slo=" + sloMillis + "ms, maxSize=" + maxSize + ", maxDelay=" + maxDelayMillis
                + "ms, maxPendingBytes=" + maxPendingBytes + ", assumedElementBytes=" + assumedElementBytes
                + ", safetyMargin=" + safetyMarginMillis + "ms, targetUtilisation=" + targetUtilisation
                + ", rateHalfLife=" + rateHalfLifeMillis + "ms, loadHalfLife=" + loadHalfLifeMillis
                + "ms, costForgetting=" + costForgetting + ", priorPerCall=" + priorPerCallMillis
                + "ms, priorPerElement=" + priorPerElementMillis + "ms, timerTolerance=" + timerToleranceMillis
                + "ms, backlogExitFraction=" + backlogExitFraction + ")";
    }

    /** Mutable builder; every setter returns {@code this}. Validation happens in {@link #build()}. */
    public static final class Builder {
        private long sloMillis = AdaptivePolicyDefaults.SLO_MILLIS;
        private long maxSize = AdaptivePolicyDefaults.MAX_SIZE;
        private long maxDelayMillis = -1; // = slo unless set
        private long maxPendingBytes = AdaptivePolicyDefaults.MAX_PENDING_BYTES;
        private long assumedElementBytes = AdaptivePolicyDefaults.ASSUMED_ELEMENT_BYTES;
        private long safetyMarginMillis = AdaptivePolicyDefaults.SAFETY_MARGIN_MILLIS;
        private double targetUtilisation = AdaptivePolicyDefaults.TARGET_UTILISATION;
        private long rateHalfLifeMillis = AdaptivePolicyDefaults.RATE_HALF_LIFE_MILLIS;
        private long loadHalfLifeMillis = AdaptivePolicyDefaults.LOAD_HALF_LIFE_MILLIS;
        private double costForgetting = AdaptivePolicyDefaults.COST_FORGETTING;
        private double priorPerCallMillis = AdaptivePolicyDefaults.PRIOR_PER_CALL_MILLIS;
        private double priorPerElementMillis = AdaptivePolicyDefaults.PRIOR_PER_ELEMENT_MILLIS;
        private long timerToleranceMillis = AdaptivePolicyDefaults.TIMER_TOLERANCE_MILLIS;
        private double backlogExitFraction = AdaptivePolicyDefaults.BACKLOG_EXIT_FRACTION;

        private Builder() {}

        public Builder slo(Duration slo) {
            this.sloMillis = millis(slo, "slo");
            return this;
        }

        public Builder maxSize(long maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelayMillis = millis(maxDelay, "maxDelay");
            return this;
        }

        public Builder maxPendingBytes(long maxPendingBytes) {
            this.maxPendingBytes = maxPendingBytes;
            return this;
        }

        public Builder assumedElementBytes(long assumedElementBytes) {
            this.assumedElementBytes = assumedElementBytes;
            return this;
        }

        public Builder safetyMargin(Duration margin) {
            this.safetyMarginMillis = millis(margin, "safetyMargin");
            return this;
        }

        public Builder targetUtilisation(double utilisation) {
            this.targetUtilisation = utilisation;
            return this;
        }

        public Builder rateHalfLife(Duration halfLife) {
            this.rateHalfLifeMillis = millis(halfLife, "rateHalfLife");
            return this;
        }

        public Builder loadHalfLife(Duration halfLife) {
            this.loadHalfLifeMillis = millis(halfLife, "loadHalfLife");
            return this;
        }

        public Builder costForgetting(double forgetting) {
            this.costForgetting = forgetting;
            return this;
        }

        /** Cost assumed before the first measured write: {@code perCall + perElement * size}. */
        public Builder costPrior(Duration perCall, double perElementMillis) {
            this.priorPerCallMillis = millis(perCall, "costPrior.perCall");
            this.priorPerElementMillis = perElementMillis;
            return this;
        }

        public Builder timerTolerance(Duration tolerance) {
            this.timerToleranceMillis = millis(tolerance, "timerTolerance");
            return this;
        }

        public Builder backlogExitFraction(double fraction) {
            this.backlogExitFraction = fraction;
            return this;
        }

        private static long millis(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative()) {
                throw new IllegalArgumentException(name + " must be >= 0, got " + d);
            }
            return d.toMillis();
        }

        /**
         * @throws IllegalArgumentException if a value is out of range: SLO, maxSize, maxDelay, pending bytes, element
         *     bytes and half-lives must be positive; the safety margin must be smaller than the SLO; utilisation in
         *     (0, 1]; forgetting factor in (0, 1); backlog exit fraction in (0, 1]; priors finite and non-negative.
         */
        public AdaptivePolicyConfig build() {
            require(sloMillis > 0, "slo must be > 0, got " + sloMillis + "ms");
            require(maxSize > 0, "maxSize must be > 0, got " + maxSize);
            require(maxDelayMillis != 0, "maxDelay must be > 0");
            require(maxPendingBytes > 0, "maxPendingBytes must be > 0, got " + maxPendingBytes);
            require(assumedElementBytes > 0, "assumedElementBytes must be > 0, got " + assumedElementBytes);
            require(safetyMarginMillis < sloMillis,
                    "safetyMargin (" + safetyMarginMillis + "ms) must be smaller than slo (" + sloMillis + "ms)");
            require(targetUtilisation > 0 && targetUtilisation <= 1,
                    "targetUtilisation must be in (0, 1], got " + targetUtilisation);
            require(rateHalfLifeMillis > 0, "rateHalfLife must be > 0");
            require(loadHalfLifeMillis > 0, "loadHalfLife must be > 0");
            require(costForgetting > 0 && costForgetting < 1, "costForgetting must be in (0, 1), got " + costForgetting);
            require(Double.isFinite(priorPerElementMillis) && priorPerElementMillis >= 0,
                    "costPrior perElementMillis must be finite and >= 0, got " + priorPerElementMillis);
            require(backlogExitFraction > 0 && backlogExitFraction <= 1,
                    "backlogExitFraction must be in (0, 1], got " + backlogExitFraction);
            return new AdaptivePolicyConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
