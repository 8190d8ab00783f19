package io.dynbatch.triggers.policy;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decides when one key's pending batch should be flushed so that every element is committed within
 * the latency SLO, measured from its ingest time, with the fewest and largest writes the SLO and
 * the writer's capacity allow. Pure Java: time comes from an injected clock (milliseconds), or is
 * passed to each call (the {@code ...At} variants, {@code nowMillis}), so it is tested with a fake
 * clock and driven by the simulator exactly as by the Flink trigger.
 *
 * <h2>The plan</h2>
 *
 * For a batch of {@code n} elements whose oldest was ingested at {@code t0}, first arrived at
 * {@code t1}, with arrival rate {@code r} and learned write cost {@code c(x) = a + b x}:
 *
 * <ol>
 *   <li><b>Latency budget.</b> The batch should be flushed at the latest {@code D} at which its
 *       write, grown by the elements still arriving, finishes by {@code t0 + SLO - margin}: {@code D
 *       + a + b (n + r (D - now)) = t0 + SLO - margin}, solved in closed form. Waiting until then
 *       spends exactly the budget left, including whatever was spent upstream (Kafka lag,
 *       backpressure), which a delay counted from the first arrival cannot know. The margin is a
 *       fixed safety margin plus the decaying tail of this key's timer lateness (head-of-line
 *       blocking behind other keys' writes on the same thread) plus twice the cost model's recent
 *       prediction error. With group commit a batch is committed with other keys' batches in one
 *       transaction, so its elements wait for the whole transaction, not only for its own share of
 *       the write ({@code a + b n}, what the key's cost model learns): the margin also holds the
 *       learned difference (the group wait). It is capped at half the SLO, so one transaction
 *       stretched by retries during an outage cannot push every deadline into the past.
 *   <li><b>Writer utilisation floor.</b> All keys of a subtask write on one thread, so the sum of
 *       their write time per unit time ({@code U}) must stay below {@code targetUtilisation} or the
 *       queue, and with it latency, grows without bound. Per-row cost cannot be batched away; the
 *       per-call cost can, by longer intervals. The key claims a share of the target proportional
 *       to its load, {@code share = u / (U - u_measured + u)} with {@code u} its own load
 *       (measured, or what the latency plan would cause if larger; when that plan is already in the
 *       past, what a cycle of half the SLO would cause: claimed as for flushing now, every late key
 *       of the subtask would claim the whole writer, as after a checkpoint pause at the top of a lag
 *       swing, and their tiny batches would overload it), and needs a batch cycle (from its previous flush to
 *       the next, so including the write during which the next batch's elements already queue up)
 *       of at least {@code T = a / (target * share - b r)}. When the plan is in the past (the key
 *       waited behind another key's write, or upstream), the batch instead waits for the {@code r T}
 *       elements of such a cycle, or the time they take at rate {@code r}: flushing the few that
 *       arrived would spend a call on them and start the spiral of late, smaller batches, more
 *       calls, later still. While {@code U} is within the target this
 *       floor is below the latency plan and does nothing; once the writer is over its target every
 *       key lengthens its interval in proportion to its share (larger batches, not smaller, restore
 *       headroom), even at the cost of the SLO, because a saturated writer misses it anyway.
 *   <li><b>Backlog.</b> When arriving elements are already older than the SLO (smoothed age), the
 *       budget is gone whatever we do: the key switches to draining with maximal batches (size cap,
 *       or maxDelay) until arrivals are younger than {@code backlogExitFraction * SLO}. The two
 *       thresholds give hysteresis, so the mode does not flap.
 *   <li><b>Caps.</b> The deadline is never later than {@code t1 + maxDelay}; the batch flushes at
 *       {@code maxSize} elements or when its estimated bytes would pass {@code maxPendingBytes}.
 * </ol>
 *
 * <p>Stability on a step change: the deadline depends on the arrival rate only through the small
 * term {@code b r}, the cost model moves by its forgetting factor per write, and the utilisation
 * floor acts on loads smoothed over {@code loadHalfLife} and only while the writer is over its
 * target; a step therefore moves the plan once, monotonically, to its new level.
 *
 * <h2>Compared with</h2>
 *
 * <ul>
 *   <li>Beam's {@code BatchElements} estimator fits time = a + b size by regression over a window of
 *       recent samples and picks the size whose fixed overhead is a target fraction of the batch
 *       time, within a target duration, growing by bounded steps. It optimises throughput per call
 *       only: it has no latency objective, ignores the arrival rate (a large batch may take long to
 *       fill) and the time already spent upstream, and keeps O(samples) state. Here the regression
 *       is O(1) and forgetting, and size follows from the latency budget.
 *   <li>Flink AsyncSink's AIMD strategy grows a rate limit additively and halves it on failure. It
 *       reacts to errors, not to cost or latency, and its sawtooth is oscillation by design. Here
 *       nothing oscillates by construction, and no failure is needed to learn the cost.
 *   <li>Das et al. (SoCC 2014) adapt a micro-batch interval so that a batch's processing time stays
 *       below its interval (the stability condition), by fixed-point iteration on a fitted
 *       processing-time curve. That condition is the utilisation floor here, generalised to many
 *       keys sharing one writer; but their interval is a global ticker and knows nothing of the age
 *       of the data in the batch. Here the deadline is per batch and from ingest time.
 * </ul>
 *
 * <p>Not thread-safe; one instance per operator instance (or simulated subtask).
 */
public final class AdaptivePolicy {

    /** Weight of the cost prior, in equivalent samples: the data win after one or two writes. */
    static final double COST_PRIOR_WEIGHT = 0.2;

    /** Batch size at which the prior on the per-element cost is weighed. */
    static final double COST_REFERENCE_SIZE = 1_000;

    /** How much of the timer-lag tail survives each further timer. */
    static final double LAG_TAIL_DECAY = 0.9;

    /** Prediction error is added this many times to the margin. */
    static final double ERROR_MARGIN_FACTOR = 2.0;

    /** Weight of the newest sample in the group wait's moving average. */
    static final double GROUP_WAIT_WEIGHT = 0.3;

    /**
     * A batch whose latency deadline has passed claims the writer as if it flushed once per this
     * fraction of the SLO (the cycle of a batch that meets it), not as if it had to flush now.
     */
    static final double LATE_CLAIM_SLO_FRACTION = 0.5;

    private final AdaptivePolicyConfig config;
    private final LongSupplier clock;
    private final double ageTauMillis;

    /** A policy without a clock: the caller passes the time to each call (the {@code ...At} variants). */
    public AdaptivePolicy(AdaptivePolicyConfig config) {
        this(config, () -> {
            throw new IllegalStateException("this policy has no clock: pass the time explicitly");
        });
    }

    /** A policy whose clock gives the current time in ms (processing or simulated time). */
    public AdaptivePolicy(AdaptivePolicyConfig config, LongSupplier clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ageTauMillis = config.rateHalfLifeMillis() / Math.log(2);
    }

    public AdaptivePolicyConfig config() {
        return config;
    }

    /** Fresh learning state for a key never seen before (priors only). */
    public KeyLearning newKeyLearning() {
        return new KeyLearning(config);
    }

    /**
     * The learning state stored by {@link KeyLearning#toArray()}, or a fresh one for {@code null}.
     *
     * @throws IllegalArgumentException if {@code state} is not a stored KeyLearning
     */
    public KeyLearning restore(double[] state) {
        KeyLearning k = new KeyLearning(config);
        if (state != null) {
            k.readFrom(state);
        }
        return k;
    }

    /** A fresh estimator of a subtask's total write load (write ms per ms), for {@link #plan}. */
    public DecayedRate newWriterLoad() {
        return new DecayedRate(config.loadHalfLifeMillis());
    }

    /** Records {@code count} elements ingested at {@code ingestMillis} arriving now. */
    public void onArrival(KeyLearning k, long count, long ingestMillis) {
        onArrivalAt(k, count, ingestMillis, clock.getAsLong());
    }

    /** As {@link #onArrival}, arriving at {@code now}. */
    public void onArrivalAt(KeyLearning k, long count, long ingestMillis, long now) {
        k.arrivals.add(count, now);
        double age = Math.max(0, now - ingestMillis);
        if (Double.isNaN(k.arrivalAgeMillis)) {
            k.arrivalAgeMillis = age;
            k.arrivalAgeAtMillis = now;
        } else if (now > k.arrivalAgeAtMillis) {
            double alpha = -Math.expm1(-(now - k.arrivalAgeAtMillis) / ageTauMillis);
            k.arrivalAgeMillis += alpha * (age - k.arrivalAgeMillis);
            k.arrivalAgeAtMillis = now;
        }
        double slo = config.sloMillis();
        if (!k.backlog && k.arrivalAgeMillis >= slo) {
            k.backlog = true;
        } else if (k.backlog && k.arrivalAgeMillis <= config.backlogExitFraction() * slo) {
            k.backlog = false;
        }
    }

    /**
     * Records a committed write of this key: {@code batchSize} elements (as counted by the
     * trigger, before any compaction) that took {@code writeMillis}.
     */
    public void onWrite(KeyLearning k, long batchSize, double writeMillis) {
        onWriteAt(k, batchSize, writeMillis, clock.getAsLong());
    }

    /** As {@link #onWrite}, reported at {@code nowMillis}. */
    public void onWriteAt(KeyLearning k, long batchSize, double writeMillis, long nowMillis) {
        onWriteAt(k, batchSize, writeMillis, writeMillis, nowMillis);
    }

    /**
     * As {@link #onWriteAt(KeyLearning, long, double, long)}, for a batch committed in a transaction
     * with other keys' batches (group commit): {@code writeMillis} is the key's share of the
     * transaction's write time, which its cost model and write load learn, and {@code
     * transactionMillis} the whole transaction's, which the batch's elements waited for; the
     * difference is learned as the key's group wait. Equal for a batch that is its own transaction.
     */
    public void onWriteAt(KeyLearning k, long batchSize, double writeMillis, double transactionMillis,
            long nowMillis) {
        if (!(writeMillis >= 0) || Double.isInfinite(writeMillis) || batchSize < 0) {
            return;
        }
        k.cost.observe(batchSize, writeMillis);
        k.writeLoad.add(writeMillis, nowMillis);
        if (transactionMillis >= writeMillis && !Double.isInfinite(transactionMillis)) {
            k.groupWaitMillis += GROUP_WAIT_WEIGHT * ((transactionMillis - writeMillis) - k.groupWaitMillis);
        }
    }

    /** Records that this key's batch is being flushed now (the end of one batch cycle). */
    public void onFlush(KeyLearning k) {
        onFlushAt(k, clock.getAsLong());
    }

    /** As {@link #onFlush}, flushed at {@code nowMillis}. */
    public void onFlushAt(KeyLearning k, long nowMillis) {
        k.lastFlushMillis = nowMillis;
    }

    /** Records that this key's timer fired {@code lagMillis} after its due time. */
    public void onTimerLag(KeyLearning k, long lagMillis) {
        k.timerLagTailMillis = Math.max(Math.max(0, lagMillis), k.timerLagTailMillis * LAG_TAIL_DECAY);
    }

    /**
     * The plan for {@code batch} now.
     *
     * @param k what was learned about the batch's key
     * @param batch the pending batch; must not be empty
     * @param writerLoad the subtask's total write time per millisecond (all keys), 0 if unknown
     * @throws IllegalArgumentException if the batch is empty
     */
    public FlushPlan plan(KeyLearning k, PendingBatch batch, double writerLoad) {
        return planAt(k, batch, writerLoad, clock.getAsLong());
    }

    /** As {@link #plan}, planned at {@code now}. */
    public FlushPlan planAt(KeyLearning k, PendingBatch batch, double writerLoad, long now) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("cannot plan an empty batch");
        }
        long n = batch.count();
        long sizeCap = sizeCap(batch);
        double capDeadline = (double) batch.firstArrivalMillis() + config.maxDelayMillis();
        double rate = k.arrivals.perMilli(now);

        if (k.backlog) {
            return finish(k, batch, now, rate, sizeCap, capDeadline, FlushPlan.Bound.BACKLOG);
        }

        double a = k.cost.perCallMillis();
        double b = k.cost.perElementMillis();
        double margin = Math.min(
                config.sloMillis() / 2.0,
                config.safetyMarginMillis() + k.timerLagTailMillis + ERROR_MARGIN_FACTOR * k.cost.errorMillis()
                        + k.groupWaitMillis);
        double budgetEnd = batch.oldestIngestMillis() + (double) config.sloMillis() - margin;
        double latencyDeadline = (budgetEnd - a - b * n + b * rate * now) / (1 + b * rate);

        // A batch cycle runs from one flush of the key to the next; the elements that arrived while
        // the last batch was being written belong to this one. Without a previous flush (or after a
        // pause longer than a cycle) the cycle starts with this batch.
        double cycleStart = Double.isNaN(k.lastFlushMillis)
                ? batch.firstArrivalMillis()
                : Math.max(k.lastFlushMillis, batch.firstArrivalMillis() - config.maxDelayMillis());
        double cycle = minInterval(k, cycleStart, now, rate, a, b, latencyDeadline, writerLoad);
        double utilisationDeadline = cycleStart + cycle;

        double deadline;
        FlushPlan.Bound bound;
        if (utilisationDeadline > latencyDeadline) {
            deadline = utilisationDeadline;
            bound = FlushPlan.Bound.UTILISATION;
        } else {
            deadline = latencyDeadline;
            bound = FlushPlan.Bound.LATENCY;
        }
        if (deadline <= now && n < sizeCap) { // in the past: wait for the batch the writer affords
            double affordable = Math.min(sizeCap, Math.ceil(rate * cycle));
            if (n < affordable) {
                sizeCap = (long) affordable;
                deadline = now + (affordable - n) / rate;
                bound = FlushPlan.Bound.UTILISATION;
            }
        }
        if (deadline >= capDeadline) {
            deadline = capDeadline;
            bound = FlushPlan.Bound.MAX_DELAY;
        }
        return finish(k, batch, now, rate, sizeCap, deadline, bound);
    }

    /** The shortest batch interval that keeps the writer within its utilisation target. */
    private double minInterval(
            KeyLearning k, double cycleStart, long now, double rate, double a, double b,
            double latencyDeadline, double writerLoad) {
        double latencyInterval = Math.max(1, Math.max(latencyDeadline, now) - cycleStart);
        if (latencyDeadline <= now) {
            // A late batch cannot meet its deadline by flushing at once; were it to claim the writer
            // for a cycle of a few ms, every late shard of the subtask would claim all of it, and
            // their tiny batches would overload it (each pays the per-call cost).
            latencyInterval = Math.max(latencyInterval, config.sloMillis() * LATE_CLAIM_SLO_FRACTION);
        }
        double measured = k.writeLoad.perMilli(now);
        double own = Math.max(measured, a / latencyInterval + b * rate);
        double others = Math.max(0, (Double.isFinite(writerLoad) ? writerLoad : 0) - measured);
        double share = own / (others + own);
        double room = config.targetUtilisation() * share - b * rate;
        return room > 0 ? a / room : Double.POSITIVE_INFINITY;
    }

    private FlushPlan finish(
            KeyLearning k, PendingBatch batch, long now, double rate, long sizeCap, double deadline,
            FlushPlan.Bound bound) {
        long deadlineMillis = (long) Math.floor(deadline);
        double more = rate * Math.max(0, deadline - now);
        long expected = (long) Math.min(sizeCap, batch.count() + Math.floor(more));
        return new FlushPlan(sizeCap, deadlineMillis, expected, k.cost.predictMillis(expected), bound);
    }

    /**
     * The size at which {@code batch} must be flushed now: maxSize, lowered so that the batch's
     * estimated bytes stay within maxPendingBytes ({@link FlushPlan#flushAtSize()} of a plan). Needs
     * no learned state, so a trigger can check it for every element without planning.
     */
    public long sizeCap(PendingBatch batch) {
        long n = batch.count();
        double perElement = batch.bytes() > 0 ? (double) batch.bytes() / n : config.assumedElementBytes();
        double roomBytes = Math.max(0, config.maxPendingBytes() - (double) batch.bytes());
        double byMemory = n + Math.floor(roomBytes / Math.max(1, perElement));
        return (long) Math.max(1, Math.min(config.maxSize(), byMemory));
    }

    @Override
    public String toString() {
        return "AdaptivePolicy(" + config + ")";
    }
}
