package io.dynbatch.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link ArrivalTrace}: seeded and reproducible, the scenario's rates, shares and lag. */
class ArrivalTraceTest {

    @Test
    void theSameScenarioAlwaysGivesTheSameTrace() {
        ArrivalTrace a = ArrivalTrace.generate(Scenarios.keySkew());
        ArrivalTrace b = ArrivalTrace.generate(Scenarios.keySkew());
        assertThat(a.size()).isEqualTo(b.size());
        assertThat(a.events()).isEqualTo(b.events());
        for (int i = 0; i < a.size(); i += 997) {
            assertThat(a.ingestMillis(i)).isEqualTo(b.ingestMillis(i));
            assertThat(a.count(i)).isEqualTo(b.count(i));
            assertThat(a.shard(i)).isEqualTo(b.shard(i));
        }
    }

    @Test
    void followsTheScenariosRateSharesAndLag() {
        Scenario skew = Scenarios.keySkew();
        ArrivalTrace trace = ArrivalTrace.generate(skew);
        double expected = 8_000.0 * skew.durationMillis() / 1000;
        assertThat((double) trace.events()).isCloseTo(expected, within(expected * 0.01));
        long[] perShard = trace.eventsPerShard(skew.shards());
        assertThat((double) perShard[0] / trace.events()).isCloseTo(0.5, within(0.005));
        assertThat(trace.availableMillis(0) - trace.ingestMillis(0)).isEqualTo(100.0);

        Scenario backlog = Scenarios.backlog();
        ArrivalTrace withBacklog = ArrivalTrace.generate(backlog);
        assertThat(withBacklog.ingestMillis(0)).isEqualTo(-backlog.backlogMillis());
        double expectedAll = 8_000.0 * (backlog.durationMillis() + backlog.backlogMillis()) / 1000;
        assertThat((double) withBacklog.events()).isCloseTo(expectedAll, within(expectedAll * 0.01));
    }

    @Test
    void diurnalLoadAndLagPeakTogether() {
        Scenario s1 = Scenarios.diurnal();
        assertThat(s1.eventsPerSecond().applyAsDouble(0)).isCloseTo(1_200, within(1e-6));
        assertThat(s1.eventsPerSecond().applyAsDouble(12 * 60_000)).isCloseTo(12_000, within(1e-6));
        assertThat(s1.upstreamLagMillis().applyAsDouble(0)).isCloseTo(50, within(1e-6));
        assertThat(s1.upstreamLagMillis().applyAsDouble(12 * 60_000)).isCloseTo(1_000, within(1e-6));
    }

    @Test
    void poissonSamplesHaveTheRightMean() {
        SplittableRandom random = new SplittableRandom(5);
        for (double mean : new double[] {0.3, 12, 80}) {
            long sum = 0;
            for (int i = 0; i < 20_000; i++) {
                sum += ArrivalTrace.poisson(random, mean);
            }
            assertThat(sum / 20_000.0).isCloseTo(mean, within(mean * 0.03 + 0.01));
        }
    }
}
