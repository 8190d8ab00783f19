package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link DecayedRate}: converges, follows steps, decays when idle, survives a state round trip. */
class DecayedRateTest {

    @Test
    void isZeroBeforeAnySample() {
        assertThat(new DecayedRate(1_000).perMilli(123)).isZero();
    }

    @Test
    void measuresASteadyRateFromTheStart() {
        DecayedRate rate = new DecayedRate(2_000);
        for (long t = 0; t <= 1_000; t++) {
            rate.add(5, t); // 5 per ms
        }
        assertThat(rate.perMilli(1_000)).isCloseTo(5.0, within(0.1));
        for (long t = 1_001; t <= 20_000; t++) {
            rate.add(5, t);
        }
        assertThat(rate.perMilli(20_000)).isCloseTo(5.0, within(0.05));
    }

    @Test
    void followsAStepWithinAFewHalfLives() {
        DecayedRate rate = new DecayedRate(1_000);
        for (long t = 0; t < 10_000; t++) {
            rate.add(1, t);
        }
        for (long t = 10_000; t < 15_000; t++) {
            rate.add(4, t);
        }
        assertThat(rate.perMilli(15_000)).isCloseTo(4.0, within(0.15));
    }

    @Test
    void decaysWhileIdleAndCountsBurstsLikeSpreadSamples() {
        DecayedRate burst = new DecayedRate(1_000);
        DecayedRate spread = new DecayedRate(1_000);
        burst.add(0, 0);
        spread.add(0, 0);
        burst.add(100, 5_000);
        for (int i = 0; i < 100; i++) {
            spread.add(1, 5_000);
        }
        assertThat(burst.perMilli(5_000)).isEqualTo(spread.perMilli(5_000));
        // one half-life later the decayed sum has halved (the estimate's window also grew a little)
        assertThat(burst.perMilli(6_000) / burst.perMilli(5_000)).isBetween(0.45, 0.5);
    }

    @Test
    void survivesAStateRoundTrip() {
        DecayedRate rate = new DecayedRate(1_000);
        for (long t = 0; t < 3_000; t += 10) {
            rate.add(7, t);
        }
        double[] state = new double[DecayedRate.STATE_SIZE];
        rate.writeTo(state, 0);
        DecayedRate restored = new DecayedRate(1_000);
        restored.readFrom(state, 0);
        assertThat(restored.perMilli(4_000)).isEqualTo(rate.perMilli(4_000));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new DecayedRate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecayedRate(1).add(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecayedRate(1).add(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
