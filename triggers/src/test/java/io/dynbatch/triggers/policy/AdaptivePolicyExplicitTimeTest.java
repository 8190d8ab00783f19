package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AdaptivePolicy} given the time with each call (the {@code ...At} variants), as the Flink trigger uses it. */
class AdaptivePolicyExplicitTimeTest {

    /** The fake clock of the clock-driven policy. */
    private long now = 1_000_000;

    private final AdaptivePolicyConfig config = AdaptivePolicyConfig.defaults();
    private final AdaptivePolicy policy = new AdaptivePolicy(config, () -> now);

    @Test
    void passingTheTimeExplicitlyDecidesExactlyAsTheClockDoes() {
        AdaptivePolicy clockless = new AdaptivePolicy(config);
        KeyLearning byClock = policy.newKeyLearning();
        KeyLearning explicit = clockless.newKeyLearning();
        PendingBatch batch = new PendingBatch();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            now += random.nextInt(0, 20);
            long ingest = now - random.nextInt(0, 3_000);
            policy.onArrival(byClock, 1, ingest);
            clockless.onArrivalAt(explicit, 1, ingest, now);
            batch.add(1, ingest, 256, now);
            if (i % 25 == 24) {
                double millis = 10 + random.nextDouble() * 100;
                policy.onWrite(byClock, batch.count(), millis);
                clockless.onWriteAt(explicit, batch.count(), millis, now);
                policy.onFlush(byClock);
                clockless.onFlushAt(explicit, now);
                batch.reset();
                batch.add(1, ingest, 256, now);
            }
            assertThat(clockless.planAt(explicit, batch, 0.3, now)).isEqualTo(policy.plan(byClock, batch, 0.3));
        }
        assertThat(explicit.toArray()).containsExactly(byClock.toArray());
        assertThatThrownBy(() -> clockless.onFlush(explicit)).isInstanceOf(IllegalStateException.class);
    }
}
