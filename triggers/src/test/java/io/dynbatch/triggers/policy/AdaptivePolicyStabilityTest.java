package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AdaptivePolicy} in a closed loop on a fake clock: a step change moves the plan once, without oscillating. */
class AdaptivePolicyStabilityTest {

    /** The fake clock. */
    private long now;

    private final AdaptivePolicy policy = new AdaptivePolicy(AdaptivePolicyConfig.defaults(), () -> now);

    @Test
    void aSinkSlowdownMovesThePlanOnceWithoutOscillating() {
        assertSettlesWithoutOscillating(2, 2, 5.0, -1);
    }

    @Test
    void aLoadStepMovesThePlanOnceWithoutOscillating() {
        assertSettlesWithoutOscillating(1, 6, 1.0, +1);
    }

    /**
     * Closed loop on the fake clock: one key, {@code rateBefore} arrivals per ms (100 ms old), a sink
     * of 20 ms + 0.01 ms per element; at t = 120 s the rate becomes {@code rateAfter} and the sink
     * {@code slowdown} times slower. The batch size must move to its new level (in the direction
     * {@code expectedDirection}) and settle, changing direction at most once (the error margin
     * raised by the surprise fades), never oscillating.
     */
    private void assertSettlesWithoutOscillating(long rateBefore, long rateAfter, double slowdown, int expectedDirection) {
        KeyLearning k = policy.newKeyLearning();
        DecayedRate writer = policy.newWriterLoad();
        now = 0;
        long start = 0;
        long count = 0;
        long oldest = 0;
        List<Long> before = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        while (now < 300_000) {
            now++;
            long rate = now < 120_000 ? rateBefore : rateAfter;
            policy.onArrival(k, rate, now - 100);
            if (count == 0) {
                start = now;
                oldest = now - 100;
            }
            count += rate;
            FlushPlan plan = policy.plan(k, PendingBatch.of(count, start, oldest, 0), writer.perMilli(now));
            if (count >= plan.flushAtSize() || plan.deadlineMillis() <= now) {
                double write = (now >= 120_000 ? slowdown : 1) * (20 + 0.01 * count);
                now += (long) write;
                policy.onWrite(k, count, write);
                writer.add(write, now);
                (now < 120_000 ? before : after).add(count);
                count = 0;
            }
        }
        long settledBefore = before.get(before.size() - 1);
        long settledAfter = after.get(after.size() - 1);
        long tolerance = 2 * Math.max(rateBefore, rateAfter);
        assertThat(before.subList(before.size() - 30, before.size()))
                .allSatisfy(size -> assertThat(size).isBetween(settledBefore - tolerance, settledBefore + tolerance));
        assertThat(Long.signum(settledAfter - settledBefore)).isEqualTo(expectedDirection);

        int directionChanges = 0;
        long lastSign = 0;
        for (int i = 1; i < after.size(); i++) {
            long sign = Long.signum(after.get(i) - after.get(i - 1));
            if (Math.abs(after.get(i) - after.get(i - 1)) > tolerance / 2 && sign != 0) {
                if (lastSign != 0 && sign != lastSign) {
                    directionChanges++;
                }
                lastSign = sign;
            }
        }
        assertThat(directionChanges).isLessThanOrEqualTo(1);
        long lo = Math.min(settledBefore, settledAfter);
        long hi = Math.max(settledBefore, settledAfter);
        assertThat(after).allSatisfy(size -> assertThat(size).isBetween((long) (lo * 0.9), (long) (hi * 1.1)));
        assertThat(after.subList(after.size() - 30, after.size()))
                .allSatisfy(size -> assertThat(size).isBetween(settledAfter - tolerance, settledAfter + tolerance));
    }
}
