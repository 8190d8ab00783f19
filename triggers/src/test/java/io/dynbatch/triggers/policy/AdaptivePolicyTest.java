package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link AdaptivePolicy} behaviour by behaviour, on a fake clock. */
class AdaptivePolicyTest {

    /** The fake clock: tests set {@code now} directly. */
    private long now = 1_000_000;

    private final AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
    private final AdaptivePolicy policy = new AdaptivePolicy(config, () -> now);

    /** Feeds {@code perMilli} arrivals every ms for {@code millis}, each {@code ageMillis} old. */
    private void arrive(KeyLearning k, long millis, long perMilli, long ageMillis) {
        for (long i = 0; i < millis; i++) {
            now++;
            policy.onArrival(k, perMilli, now - ageMillis);
        }
    }

    /** Feeds {@code n} measured writes of {@code size} elements costing {@code a + b * size}. */
    private void learnCost(KeyLearning k, int n, long size, double a, double b) {
        for (int i = 0; i < n; i++) {
            policy.onWrite(k, size / 2 + (i % 3) * size / 2, a + b * (size / 2 + (i % 3) * size / 2));
        }
    }

    @Test
    void lowLoadWaitsUntilTheLatencyBudgetIsSpent() {
        KeyLearning k = policy.newKeyLearning();
        policy.onArrival(k, 1, now);
        FlushPlan plan = policy.plan(k, PendingBatch.of(1, now, now, 256), 0);

        // ingest + SLO - margin(100) - predicted write (20 ms + 0.01 ms/element prior)
        long budgetEnd = now + config.sloMillis() - config.safetyMarginMillis() - 20;
        assertThat(plan.bound()).isEqualTo(FlushPlan.Bound.LATENCY);
        assertThat(plan.deadlineMillis()).isBetween(budgetEnd - 2, budgetEnd);
        assertThat(plan.flushAtSize()).isEqualTo(config.maxSize());
    }

    @Test
    void latencySpentUpstreamShortensTheWaitByExactlyThatMuch() {
        KeyLearning fresh = policy.newKeyLearning();
        policy.onArrival(fresh, 1, now);
        long freshDeadline = policy.plan(fresh, PendingBatch.of(1, now, now, 0), 0).deadlineMillis();

        KeyLearning lagged = policy.newKeyLearning();
        policy.onArrival(lagged, 1, now - 800);
        long laggedDeadline = policy.plan(lagged, PendingBatch.of(1, now, now - 800, 0), 0).deadlineMillis();

        assertThat(freshDeadline - laggedDeadline).isBetween(799L, 801L);
    }

    @Test
    void higherLoadGrowsBatchesAndPlansForTheirLongerWrite() {
        KeyLearning slow = policy.newKeyLearning();
        KeyLearning fast = policy.newKeyLearning();
        long start = now;
        arrive(slow, 5_000, 1, 50);
        now = start;
        arrive(fast, 5_000, 10, 50);

        PendingBatch batch = PendingBatch.of(10, now - 5, now - 50, 0);
        FlushPlan low = policy.plan(slow, batch, 0);
        FlushPlan high = policy.plan(fast, batch, 0);

        assertThat(high.expectedSize()).isGreaterThan(8 * low.expectedSize());
        assertThat(high.predictedWriteMillis()).isGreaterThan(low.predictedWriteMillis());
        // the larger batch's write is budgeted: the deadline moves earlier by about the extra write time
        double extraWrite = high.predictedWriteMillis() - low.predictedWriteMillis();
        assertThat((double) (low.deadlineMillis() - high.deadlineMillis())).isCloseTo(extraWrite, within(5.0));
    }

    @Test
    void aSaturatedWriterMakesBatchesLargerNotSmaller() {
        KeyLearning k = policy.newKeyLearning();
        // 2 elements per ms; a slow sink: 150 ms per call, 0.05 ms per element; one write per second
        for (int i = 0; i < 30; i++) {
            arrive(k, 1_000, 2, 100);
            policy.onWrite(k, 1_000 + (i % 3) * 1_000, 150 + 0.05 * (1_000 + (i % 3) * 1_000));
        }
        policy.onArrival(k, 2, now - 100);
        PendingBatch batch = PendingBatch.of(2, now, now - 100, 0);
        double ownLoad = k.writeLoad(now);
        assertThat(ownLoad).isBetween(0.15, 0.45);

        FlushPlan relaxed = policy.plan(k, batch, ownLoad + 0.1); // writer at ~0.4: within target
        FlushPlan saturated = policy.plan(k, batch, ownLoad + 0.8); // other keys keep it at ~1.1

        assertThat(relaxed.bound()).isEqualTo(FlushPlan.Bound.LATENCY);
        assertThat(saturated.bound()).isIn(FlushPlan.Bound.UTILISATION, FlushPlan.Bound.MAX_DELAY);
        assertThat(saturated.deadlineMillis()).isGreaterThan(relaxed.deadlineMillis());
        assertThat(saturated.expectedSize()).isGreaterThan(relaxed.expectedSize());
    }

    @Test
    void neverPlansFasterThanTheWriterCanSustainEvenWithNoBudgetLeft() {
        KeyLearning k = policy.newKeyLearning();
        policy.onArrival(k, 1, now - 1_950); // almost the whole SLO spent upstream, but no backlog
        FlushPlan plan = policy.plan(k, PendingBatch.of(1, now, now - 1_950, 0), 0);
        // interval >= a / targetUtilisation = 20 / 0.7 ms
        assertThat(plan.bound()).isEqualTo(FlushPlan.Bound.UTILISATION);
        assertThat(plan.deadlineMillis() - now).isBetween(27L, 30L);
    }

    /** A key that learned a slow sink (125 ms per call) at 3 elements/ms and flushed just now. */
    private KeyLearning justFlushedOnASlowSink() {
        KeyLearning k = policy.newKeyLearning();
        for (int i = 0; i < 20; i++) {
            arrive(k, 1_000, 3, 600);
            learnCost(k, 1, 1_000 * (1 + i % 5), 125, 0.01);
        }
        policy.onFlush(k);
        return k;
    }

    /** The cycle {@code a / (target - b r)} a key claiming the whole writer would get at {@code perMilli} arrivals. */
    private double wholeWriterCycle(KeyLearning k, double perMilli) {
        return k.cost().perCallMillis() / (config.targetUtilisation() - k.cost().perElementMillis() * perMilli);
    }

    @Test
    void aBatchBornLateClaimsOnlyItsShareOfTheWriter() {
        // a slow sink (125 ms per call) shared with other keys; this key's last flush was 300 ms ago
        KeyLearning k = justFlushedOnASlowSink();
        arrive(k, 300, 3, 600);
        double others = 0.4;
        // queued behind the other keys' writes, the batch's first elements are already 1.9 s old:
        // the latency plan is in the past, but the writer has room for this key's share only
        PendingBatch late = PendingBatch.of(900, now - 300, now - 1_900, 0);
        FlushPlan plan = policy.plan(k, late, k.writeLoad(now) + others);

        assertThat(plan.bound()).isEqualTo(FlushPlan.Bound.UTILISATION);
        // claiming the whole writer would allow a cycle of a / (target - b r), ~ 110 / 0.65 = 170 ms, and
        // so a write every 170 ms (the spiral: late -> smaller batches -> more calls -> later); its share
        // next to the others' 0.4 allows about twice that
        assertThat((double) (plan.deadlineMillis() - (now - 300))).isGreaterThan(1.8 * wholeWriterCycle(k, 3));
    }

    @Test
    void lateKeysRightAfterTheirFlushShareTheWriterInsteadOfEachClaimingAllOfIt() {
        // as after a checkpoint pause at the top of a lag swing: the key has just flushed and its next
        // batch is already late; another key with the same write load is in the same state
        KeyLearning k = justFlushedOnASlowSink();
        arrive(k, 5, 3, 1_900);
        PendingBatch late = PendingBatch.of(15, now - 5, now - 1_905, 0);
        double measured = k.writeLoad(now);
        FlushPlan plan = policy.plan(k, late, 2 * measured);

        assertThat(plan.bound()).isEqualTo(FlushPlan.Bound.UTILISATION);
        // claimed as for flushing now (a cycle of a few ms) the key would take the whole writer, a
        // write every a / (target - b r) ms, and so would the other key: together twice the target.
        // Claimed as for a cycle of half the SLO, it takes its share next to the other's.
        assertThat((double) (plan.deadlineMillis() - now)).isGreaterThan(1.8 * wholeWriterCycle(k, 3));
    }

    @Test
    void backlogDrainsWithMaximalBatchesAndLeavesWithHysteresis() {
        KeyLearning k = policy.newKeyLearning();
        arrive(k, 3_000, 20, 600_000); // events ten minutes old
        assertThat(k.inBacklog()).isTrue();
        FlushPlan plan = policy.plan(k, PendingBatch.of(100, now - 2, now - 600_000, 0), 0);
        assertThat(plan.bound()).isEqualTo(FlushPlan.Bound.BACKLOG);
        assertThat(plan.flushAtSize()).isEqualTo(config.maxSize());
        assertThat(plan.deadlineMillis()).isEqualTo(now - 2 + config.maxDelayMillis());

        arrive(k, 20_000, 20, 1_800); // caught up to 1.8 s: below the SLO, above the exit threshold
        assertThat(k.inBacklog()).isTrue();
        arrive(k, 20_000, 20, 100); // fresh again
        assertThat(k.inBacklog()).isFalse();
        assertThat(policy.plan(k, PendingBatch.of(1, now, now - 100, 0), 0).bound())
                .isNotEqualTo(FlushPlan.Bound.BACKLOG);

        KeyLearning live = policy.newKeyLearning();
        arrive(live, 20_000, 1, 1_800); // 1.8 s of lag but never behind the SLO: not a backlog
        assertThat(live.inBacklog()).isFalse();
    }

    @Test
    void capsAlwaysHold() {
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 2_000; round++) {
            AdaptivePolicyConfig c = AdaptivePolicyConfig.builder()
                    .slo(Duration.ofMillis(200 + random.nextInt(10_000)))
                    .maxSize(1 + random.nextInt(100_000))
                    .maxDelay(Duration.ofMillis(1 + random.nextInt(20_000)))
                    .maxPendingBytes(1 + random.nextInt(1 << 24))
                    .safetyMargin(Duration.ofMillis(random.nextInt(150)))
                    .targetUtilisation(0.05 + 0.95 * random.nextDouble())
                    .build();
            AdaptivePolicy p = new AdaptivePolicy(c, () -> now);
            KeyLearning k = p.newKeyLearning();
            for (int i = 0; i < 20; i++) {
                now += random.nextInt(100);
                p.onArrival(k, 1 + random.nextInt(1_000), now - random.nextInt(30_000));
                if (random.nextInt(4) == 0) {
                    p.onWrite(k, random.nextInt(200_000), random.nextDouble() * 5_000);
                }
                if (random.nextInt(4) == 0) {
                    p.onTimerLag(k, random.nextInt(3_000));
                }
            }
            long count = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, c.maxSize()));
            long bytes = random.nextInt(1 << 25);
            long first = now - random.nextInt(30_000);
            PendingBatch batch = PendingBatch.of(count, first, first - random.nextInt(30_000), bytes);
            FlushPlan plan = p.plan(k, batch, random.nextDouble() * 3);

            assertThat(plan.flushAtSize()).isBetween(1L, c.maxSize());
            if (bytes >= c.maxPendingBytes()) {
                assertThat(plan.flushAtSize()).isLessThanOrEqualTo(count); // flush now
            }
            assertThat(plan.deadlineMillis()).isLessThanOrEqualTo(first + c.maxDelayMillis());
            assertThat(plan.expectedSize()).isBetween(Math.min(count, plan.flushAtSize()), plan.flushAtSize());
            assertThat(plan.predictedWriteMillis()).isFinite().isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void memoryCapLowersTheSizeCap() {
        AdaptivePolicyConfig c = AdaptivePolicyConfig.builder().maxPendingBytes(100_000).build();
        AdaptivePolicy p = new AdaptivePolicy(c, () -> now);
        KeyLearning k = p.newKeyLearning();
        p.onArrival(k, 1, now);
        // 100 elements of 500 bytes: room for 100 more
        assertThat(p.plan(k, PendingBatch.of(100, now, now, 50_000), 0).flushAtSize()).isEqualTo(200);
        assertThat(p.plan(k, PendingBatch.of(100, now, now, 100_000), 0).flushAtSize()).isEqualTo(100);
    }

    @Test
    void learningSurvivesAStateRoundTrip() {
        KeyLearning k = policy.newKeyLearning();
        arrive(k, 2_000, 3, 250);
        learnCost(k, 20, 2_000, 80, 0.02);
        policy.onTimerLag(k, 120);
        PendingBatch batch = PendingBatch.of(500, now - 100, now - 400, 0);

        KeyLearning restored = policy.restore(k.toArray());
        assertThat(policy.plan(restored, batch, 0.3)).isEqualTo(policy.plan(k, batch, 0.3));
        assertThat(restored.toArray()).containsExactly(k.toArray());
        assertThat(policy.restore(null).toArray()).containsExactly(policy.newKeyLearning().toArray());
        assertThatThrownBy(() -> policy.restore(new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVersionOneStateRestoresAsAKeyWithNoGroupWait() {
        KeyLearning k = policy.newKeyLearning();
        arrive(k, 2_000, 3, 250);
        learnCost(k, 20, 2_000, 80, 0.02);
        double[] current = k.toArray();
        double[] versionOne = java.util.Arrays.copyOf(current, current.length - 1); // written before group waits
        versionOne[0] = 1;

        KeyLearning restored = policy.restore(versionOne);
        assertThat(restored.groupWaitMillis()).isZero();
        assertThat(restored.toArray()).containsExactly(current);
        double[] wrongVersion = current.clone();
        wrongVersion[0] = 1;
        assertThatThrownBy(() -> policy.restore(wrongVersion)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWaitForTheRestOfAGroupTransactionMovesTheDeadlineByThatMuch() {
        KeyLearning own = policy.newKeyLearning();
        KeyLearning grouped = policy.newKeyLearning();
        policy.onArrival(own, 1, now);
        policy.onArrival(grouped, 1, now);
        for (int i = 0; i < 40; i++) { // the same share of the write; the grouped key's transaction takes 300 ms more
            policy.onWriteAt(own, 1_000, 100, 100, now);
            policy.onWriteAt(grouped, 1_000, 100, 400, now);
        }
        assertThat(own.groupWaitMillis()).isZero();
        assertThat(grouped.groupWaitMillis()).isCloseTo(300, within(1.0));
        PendingBatch batch = PendingBatch.of(1, now, now, 0);
        long gap = policy.plan(own, batch, 0).deadlineMillis() - policy.plan(grouped, batch, 0).deadlineMillis();
        assertThat(gap).isBetween(299L, 301L);

        for (int i = 0; i < 40; i++) { // its batches are their own transactions again: the wait fades
            policy.onWriteAt(grouped, 1_000, 100, 100, now);
        }
        assertThat(grouped.groupWaitMillis()).isLessThan(1);
        policy.onWriteAt(grouped, 1_000, 100, 50, now); // a transaction shorter than the share is not a wait
        assertThat(grouped.groupWaitMillis()).isLessThan(1);
    }

    @Test
    void learnedCostMovesTheDeadline() {
        KeyLearning cheap = policy.newKeyLearning();
        KeyLearning costly = policy.newKeyLearning();
        policy.onArrival(cheap, 1, now);
        policy.onArrival(costly, 1, now);
        learnCost(costly, 20, 1_000, 400, 0.05);
        PendingBatch batch = PendingBatch.of(1, now, now, 0);
        long gap = policy.plan(cheap, batch, 0).deadlineMillis() - policy.plan(costly, batch, 0).deadlineMillis();
        assertThat(gap).isBetween(350L, 420L);
    }

    @Test
    void timerLatenessWidensTheMarginAndFades() {
        KeyLearning k = policy.newKeyLearning();
        policy.onArrival(k, 1, now);
        PendingBatch batch = PendingBatch.of(1, now, now, 0);
        long base = policy.plan(k, batch, 0).deadlineMillis();
        policy.onTimerLag(k, 300);
        assertThat(base - policy.plan(k, batch, 0).deadlineMillis()).isBetween(299L, 301L);
        for (int i = 0; i < 50; i++) {
            policy.onTimerLag(k, 0);
        }
        assertThat(base - policy.plan(k, batch, 0).deadlineMillis()).isLessThan(3);
    }

    @Test
    void refusesToPlanAnEmptyBatch() {
        assertThatThrownBy(() -> policy.plan(policy.newKeyLearning(), new PendingBatch(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
