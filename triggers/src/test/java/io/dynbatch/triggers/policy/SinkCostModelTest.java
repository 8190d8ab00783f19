package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link SinkCostModel}: priors, convergence to a known a and b, tracking a change, no NaN or negatives. */
class SinkCostModelTest {

    private static SinkCostModel model() {
        return new SinkCostModel(20, 0.01, 0.2, 1_000, 0.9);
    }

    @Test
    void returnsThePriorBeforeAnySample() {
        SinkCostModel m = model();
        assertThat(m.perCallMillis()).isCloseTo(20, within(1e-9));
        assertThat(m.perElementMillis()).isCloseTo(0.01, within(1e-12));
        assertThat(m.predictMillis(1_000)).isCloseTo(30, within(1e-9));
        assertThat(m.errorMillis()).isZero();
    }

    @Test
    void convergesToAKnownCostFromNoisySamples() {
        SinkCostModel m = model();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 300; i++) {
            double size = 100 + random.nextDouble(9_900);
            double millis = (45 + 0.03 * size) * (1 + 0.05 * (2 * random.nextDouble() - 1));
            m.observe(size, millis);
        }
        assertThat(m.perCallMillis()).isCloseTo(45, within(45 * 0.15));
        assertThat(m.perElementMillis()).isCloseTo(0.03, within(0.03 * 0.05));
        assertThat(m.predictMillis(5_000)).isCloseTo(195, within(195 * 0.05));
    }

    @Test
    void followsAFiveFoldSlowdownWithinAFewWrites() {
        SinkCostModel m = model();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            double size = 1_000 + random.nextDouble(2_000);
            m.observe(size, 25 + 0.01 * size);
        }
        for (int i = 0; i < 30; i++) {
            double size = 1_000 + random.nextDouble(2_000);
            m.observe(size, 5 * (25 + 0.01 * size));
        }
        assertThat(m.predictMillis(2_000)).isCloseTo(225, within(225 * 0.05));
    }

    @Test
    void withNoSpreadInSizeItPredictsTheObservedTimeAtThatSize() {
        SinkCostModel m = model();
        for (int i = 0; i < 50; i++) {
            m.observe(3_000, 150);
        }
        assertThat(m.predictMillis(3_000)).isCloseTo(150, within(1.5));
        assertThat(m.perCallMillis()).isBetween(0.0, 150.0);
        assertThat(m.perElementMillis()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void neverGoesNegativeOrNaN() {
        SinkCostModel m = model();
        m.observe(Double.NaN, 10);
        m.observe(10, Double.POSITIVE_INFINITY);
        m.observe(-5, 10);
        m.observe(10, -5);
        assertThat(m.sampleWeight()).isZero();

        // time falling with size would fit a negative slope: it is clamped to 0
        for (int i = 0; i < 20; i++) {
            m.observe(100, 500);
            m.observe(10_000, 5);
        }
        assertThat(m.perElementMillis()).isGreaterThanOrEqualTo(0);
        assertThat(m.perCallMillis()).isGreaterThanOrEqualTo(0);
        // huge sizes, zero times
        for (int i = 0; i < 20; i++) {
            m.observe(1e12, 0);
            m.observe(0, 0);
        }
        for (double v : new double[] {m.perCallMillis(), m.perElementMillis(), m.predictMillis(1e6), m.errorMillis()}) {
            assertThat(Double.isFinite(v)).isTrue();
            assertThat(v).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void survivesAStateRoundTrip() {
        SinkCostModel m = model();
        m.observe(1_000, 40);
        m.observe(4_000, 90);
        double[] state = new double[SinkCostModel.STATE_SIZE];
        m.writeTo(state, 0);
        SinkCostModel restored = model();
        restored.readFrom(state, 0);
        assertThat(restored.predictMillis(2_500)).isEqualTo(m.predictMillis(2_500));
        assertThat(restored.errorMillis()).isEqualTo(m.errorMillis());
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new SinkCostModel(-1, 0, 1, 1, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SinkCostModel(1, 0, 0, 1, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SinkCostModel(1, 0, 1, 1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
