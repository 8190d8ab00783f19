package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.policy.FlushPlan;

import java.util.function.LongSupplier;

/**
 * A reference, not a policy one could deploy: it reads the scenario it runs in. It knows each
 * shard's upstream lag and arrival rate at every instant (its expected arrivals: the rate now, held
 * over the wait) and the exact cost of every write (noise and slowdowns included), and flushes each
 * shard's batch at the latest moment at which its oldest event that can still make the SLO is
 * committed exactly at the SLO: the {@code t} with {@code t + write(n(t), t) = ingest + SLO}, no
 * margin.
 *
 * <p>Why it approximates a lower bound on transactions: for one shard with exactly known arrivals
 * and a per-event SLO, flushing as late as possible gives the fewest flushes of any schedule that
 * keeps every event within the SLO (the interval-cover argument), and the largest batches. It is
 * approximate here because arrivals are Poisson around the expected rate, because the objective is
 * a p99 per minute (spending the 1% allowance would stretch a cycle by about 1%), and because it is
 * blind to the other shards: a write of another shard that runs into its deadline delays its flush
 * (head-of-line blocking on the subtask's one thread). That last one makes it miss the SLO in some
 * minutes (in S2, 5 of 15): it is optimistic, which is the side a bound should err on.
 *
 * <p>A batch none of whose events can be saved any more (a backlog) is flushed at {@code maxSize}
 * elements or one SLO after its first element, whichever comes first.
 *
 * @param maxSize size cap (the adaptive arm's)
 */
public record ClairvoyantArm(long maxSize) implements Arm {

    public ClairvoyantArm {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be > 0");
        }
    }

    @Override
    public String name() {
        return "clairvoyant";
    }

    @Override
    public String kind() {
        return "bound";
    }

    /** No delay cap: the deadline follows from the SLO alone. */
    @Override
    public long maxDelayMillis() {
        return 0;
    }

    @Override
    public Run start(Scenario scenario, LongSupplier clock) {
        return new ClairvoyantRun(scenario, clock);
    }

    private final class ClairvoyantRun implements Run {
        private final Scenario scenario;
        private final LongSupplier clock;
        private final long[] writes;

        ClairvoyantRun(Scenario scenario, LongSupplier clock) {
            this.scenario = scenario;
            this.clock = clock;
            this.writes = new long[scenario.shards()];
        }

        @Override
        public long room(int shard, SimBatch batch) {
            return Math.max(1, maxSize - batch.count());
        }

        @Override
        public FlushReason afterAdd(int shard, SimBatch batch, long added, long ingestMillis) {
            return batch.count() >= maxSize ? FlushReason.SIZE : flushOrWait(shard, batch);
        }

        @Override
        public FlushReason onTimer(int shard, SimBatch batch) {
            return flushOrWait(shard, batch);
        }

        @Override
        public void onCommitted(int shard, long size, double writeMillis) {
            writes[shard]++;
        }

        private FlushReason flushOrWait(int shard, SimBatch batch) {
            long now = clock.getAsLong();
            long due = deadline(shard, batch, now);
            if (due <= now) {
                return FlushReason.LATENCY;
            }
            batch.state().setTimer(due, FlushPlan.Bound.LATENCY);
            return null;
        }

        /** The latest flush time at which the batch's oldest savable event commits within the SLO. */
        private long deadline(int shard, SimBatch batch, long now) {
            double slo = scenario.sloMillis();
            double writeNow = write(shard, now, batch.count());
            for (int g = 0; g < batch.groups(); g++) {
                double budgetEnd = batch.groupIngest(g) + slo;
                if (budgetEnd >= now + writeNow) {
                    return latestStart(shard, batch.count(), now, budgetEnd);
                }
            }
            // nothing in the batch can be saved: flush at maxSize (room()), or one SLO after the
            // batch's first element, whichever comes first
            return batch.state().firstArrivalMillis() + scenario.sloMillis();
        }

        /** Largest t in [now, budgetEnd] with t + write(n(t), t) <= budgetEnd, by bisection. */
        private long latestStart(int shard, long count, long now, double budgetEnd) {
            long lo = now;
            long hi = (long) Math.floor(budgetEnd);
            while (lo < hi) {
                long mid = lo + (hi - lo + 1) / 2;
                if (mid + write(shard, mid, count + expectedArrivals(shard, now, mid)) <= budgetEnd) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        private double write(int shard, double atMillis, long elements) {
            return scenario.sink().writeMillis(shard, atMillis, elements, writes[shard]);
        }

        /** Events of {@code shard} reaching the operator in (from, to], from the scenario's rate and lag. */
        private long expectedArrivals(int shard, long from, long to) {
            long ingest = (long) (from - scenario.upstreamLagMillis().applyAsDouble(from));
            double perMilli = scenario.eventsPerSecond().applyAsDouble(ingest) * scenario.shardWeights()[shard] / 1000;
            return (long) (perMilli * (to - from));
        }
    }
}
