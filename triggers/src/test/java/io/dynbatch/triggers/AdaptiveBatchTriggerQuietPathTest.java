package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The adaptive trigger's per-element fast path: within the timer tolerance of a batch's last plan an
 * element that is not the batch's oldest is only counted, and its arrival reaches the learned rate
 * at the next plan, as if it had been recorded at the time of the last plan.
 */
class AdaptiveBatchTriggerQuietPathTest {

    private static final GlobalWindow WINDOW = GlobalWindow.get();
    private static final long START = 1_000_000L;

    private static final class Harness extends AdaptiveTriggerHarness {
        Harness(AdaptiveBatchTrigger<String, GlobalWindow> trigger) throws Exception {
            super(trigger, START);
        }
    }

    /** What the policy learns when every arrival is recorded as it happens. */
    private static KeyLearning reference(AdaptivePolicyConfig config, long[][] arrivals) {
        long[] now = {0};
        AdaptivePolicy policy = new AdaptivePolicy(config, () -> now[0]);
        KeyLearning k = policy.newKeyLearning();
        for (long[] a : arrivals) {
            now[0] = a[0];
            policy.onArrival(k, 1, a[1]);
        }
        return k;
    }

    @Test
    void arrivalsWithinTheToleranceOfAPlanReachTheLearnedRateAtTheNextPlan() throws Exception {
        AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
        Harness h = new Harness(AdaptiveBatchTrigger.of(config));
        for (int i = 0; i < 5; i++) {
            assertThat(h.add(START)).isEqualTo(TriggerResult.CONTINUE);
        }
        // only the first element was planned: 4 arrivals are deferred in the batch state
        long[] batch = h.batchState();
        assertThat(batch).hasSize(PendingBatch.STATE_SIZE + 5);
        assertThat(batch[0]).isEqualTo(5);
        assertThat(batch[PendingBatch.STATE_SIZE]).isEqualTo(START);
        assertThat(batch[PendingBatch.STATE_SIZE + 1]).isEqualTo(4);
        assertThat(batch[PendingBatch.STATE_SIZE + 2]).as("planned size").isGreaterThanOrEqualTo(1);
        double rateBefore = new AdaptivePolicy(config, () -> START).restore(h.learned()).arrivalsPerMilli(START);

        long tolerance = config.timerToleranceMillis();
        h.advanceProcessingTime(START + tolerance - 1);
        h.add(START + tolerance - 1); // still within the tolerance: counted, not planned
        assertThat(h.batchState()[PendingBatch.STATE_SIZE + 1]).isEqualTo(5);
        h.advanceProcessingTime(START + tolerance);
        h.add(START + tolerance); // the tolerance has passed: folds the 5, records this one, plans
        assertThat(h.batchState()[PendingBatch.STATE_SIZE]).isEqualTo(START + tolerance);
        assertThat(h.batchState()[PendingBatch.STATE_SIZE + 1]).isZero();

        long[][] arrivals = new long[7][];
        for (int i = 0; i < 6; i++) {
            arrivals[i] = new long[] {START, START}; // deferred ones count as of the last plan
        }
        arrivals[6] = new long[] {START + tolerance, START + tolerance};
        KeyLearning expected = reference(config, arrivals);
        KeyLearning actual = new AdaptivePolicy(config, () -> START + tolerance).restore(h.learned());
        assertThat(actual.arrivalsPerMilli(START + tolerance))
                .isCloseTo(expected.arrivalsPerMilli(START + tolerance), within(1e-12));
        assertThat(actual.arrivalAgeMillis()).isEqualTo(expected.arrivalAgeMillis());
        assertThat(actual.arrivalsPerMilli(START + tolerance)).isGreaterThan(rateBefore);
    }

    @Test
    void anOlderElementIsPlannedEvenWithinTheSameMillisecond() throws Exception {
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = AdaptiveBatchTrigger.of(AdaptivePolicyConfig.defaults());
        Harness h = new Harness(trigger);
        assertThat(h.add(START)).isEqualTo(TriggerResult.CONTINUE); // due at START + 1879
        // same millisecond, but ingested 3 s ago: its 2 s SLO is spent, so the re-plan brings the
        // deadline down to the writer-utilisation floor (20 ms prior per call / 0.7 -> ~28 ms)
        assertThat(h.add(START - 3_000)).isEqualTo(TriggerResult.CONTINUE);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.advanceProcessingTime(START + 27)).isEmpty();
        assertThat(h.advanceProcessingTime(START + 30, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.UTILISATION)).isEqualTo(1);
    }

    @Test
    void theSizeCapHoldsOnTheQuietPathAndFoldsTheArrivals() throws Exception {
        AdaptivePolicyConfig config = AdaptivePolicyConfig.builder().maxSize(4).build();
        AdaptiveBatchTrigger<String, GlobalWindow> trigger = AdaptiveBatchTrigger.of(config);
        Harness h = new Harness(trigger);
        for (int i = 0; i < 3; i++) {
            assertThat(h.add(START)).isEqualTo(TriggerResult.CONTINUE);
        }
        assertThat(h.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numStateEntries()).isEqualTo(1); // learned state only
        assertThat(trigger.metricsOrNull().flushCount(FlushReason.SIZE)).isEqualTo(1);

        long[][] arrivals = new long[4][];
        for (int i = 0; i < 4; i++) {
            arrivals[i] = new long[] {START, START};
        }
        KeyLearning actual = new AdaptivePolicy(config, () -> START).restore(h.learned());
        assertThat(actual.arrivalsPerMilli(START)).isCloseTo(reference(config, arrivals).arrivalsPerMilli(START), within(1e-12));
        assertThat(actual.lastFlushMillis()).isEqualTo(START);
    }

    @Test
    void endOfInputFoldsTheDeferredArrivals() throws Exception {
        AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
        Harness h = new Harness(AdaptiveBatchTrigger.of(config));
        h.add(START);
        h.add(START);
        h.add(START);
        assertThat(h.advanceWatermark(Long.MAX_VALUE, WINDOW)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        KeyLearning actual = new AdaptivePolicy(config, () -> START).restore(h.learned());
        long[][] arrivals = {{START, START}, {START, START}, {START, START}};
        assertThat(actual.arrivalsPerMilli(START)).isCloseTo(reference(config, arrivals).arrivalsPerMilli(START), within(1e-12));
    }

    @Test
    void aBatchStoredByAnEarlierVersionWithoutPlanBookkeepingIsRestored() throws Exception {
        Harness h = new Harness(AdaptiveBatchTrigger.of(AdaptivePolicyConfig.builder().maxSize(3).build()));
        h.add(START);
        long[] batch = h.batchState();
        long[] old = new long[PendingBatch.STATE_SIZE]; // the 6-long layout of earlier versions
        System.arraycopy(batch, 0, old, 0, old.length);
        h.storeBatchState(old);

        assertThat(h.add(START)).isEqualTo(TriggerResult.CONTINUE); // planned again, not trusted as quiet
        assertThat(h.batchState()).hasSize(PendingBatch.STATE_SIZE + 5);
        assertThat(h.batchState()[0]).isEqualTo(2);
        assertThat(h.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aBatchStoredWithoutAPlannedSizeKeepsItsPlanBookkeeping() throws Exception {
        Harness h = new Harness(AdaptiveBatchTrigger.of(AdaptivePolicyConfig.builder().maxSize(4).build()));
        h.add(START);
        h.add(START); // quiet: deferred 1
        long[] batch = h.batchState();
        long[] old = new long[PendingBatch.STATE_SIZE + 2]; // the 8-long layout before the planned size
        System.arraycopy(batch, 0, old, 0, old.length);
        h.storeBatchState(old);

        assertThat(h.add(START)).isEqualTo(TriggerResult.CONTINUE); // still quiet: planned in this ms
        assertThat(h.batchState()).hasSize(PendingBatch.STATE_SIZE + 5);
        assertThat(h.batchState()[PendingBatch.STATE_SIZE + 1]).as("deferred").isEqualTo(2);
        assertThat(h.batchState()[PendingBatch.STATE_SIZE + 2]).as("no planned size").isEqualTo(FlushTarget.NO_VALUE);
        assertThat(h.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
    }
}
