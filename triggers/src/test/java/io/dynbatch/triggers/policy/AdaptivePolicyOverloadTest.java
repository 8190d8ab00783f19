package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AdaptivePolicy} on a writer near its limit: a batch whose plan is already in the past
 * (its key waited behind another key's long write) must not flush at a size far below what the
 * writer can afford, or the extra calls make the next batch later still.
 */
class AdaptivePolicyOverloadTest {

    private long now = 1_000_000;

    private final AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
    private final AdaptivePolicy policy = new AdaptivePolicy(config, () -> now);

    /**
     * A key of a sink slowed 8x (200 ms per call, 0.065 ms per element), 4 elements per ms, a batch
     * every 4.25 s; the key's own write load ~0.2.
     */
    private KeyLearning overloadedKey() {
        KeyLearning k = policy.newKeyLearning();
        for (int cycle = 0; cycle < 12; cycle++) {
            for (int i = 0; i < 4_250; i++) {
                now++;
                policy.onArrival(k, 4, now - 1_500);
            }
            long size = 2_000 + (cycle % 6) * 3_000; // varied, so that both costs are learned
            policy.onWrite(k, size, 200 + 0.065 * size);
            policy.onFlush(k);
        }
        return k;
    }

    /**
     * The probe: 1.2 s after the key's last flush (the thread was busy with the other key's write,
     * so no element of this key arrived meanwhile), a first element 2.2 s old arrives; writer load
     * 0.62. Both the latency deadline and the utilisation cycle counted from the last flush have
     * passed. Flushing this one element now would spend a 200 ms call on it.
     */
    @Test
    void aBatchWhosePlanIsInThePastWaitsForTheBatchTheWriterCanAfford() {
        KeyLearning k = overloadedKey();
        now += 1_200;
        for (long age : new long[] {2_000, 2_200, 2_500}) {
            KeyLearning key = policy.restore(k.toArray());
            policy.onArrival(key, 1, now - age);
            FlushPlan plan = policy.plan(key, PendingBatch.of(1, now, now - age, 0), 0.62);

            assertThat(plan.deadlineMillis()).as("not 'flush now' (age %d)", age).isGreaterThan(now);
            // what half of the writer's target affords: one call of a per a / (target / 2 - b r) ms
            double a = key.cost().perCallMillis();
            double b = key.cost().perElementMillis();
            double r = key.arrivalsPerMilli(now);
            double halfTheWriter = r * a / (config.targetUtilisation() / 2 - b * r);
            assertThat(a).isBetween(150.0, 250.0);
            assertThat(plan.flushAtSize()).as("flush size (age %d)", age).isGreaterThan((long) (0.8 * halfTheWriter));
            assertThat(plan.expectedSize()).isEqualTo(plan.flushAtSize());
        }
    }
}
