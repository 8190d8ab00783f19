package io.dynbatch.job.source;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generator's upstream lag: it swings from 0 to its maximum and back each period, leaves ingest
 * times alone, and never releases a later event before an earlier one.
 */
class LagSwingTest {

    private static final LagSwing S5 = LagSwing.of(Duration.ofMillis(1_500), Duration.ofSeconds(90));

    @Test
    void theLagGoesFromZeroToItsMaximumAndBackEveryPeriod() {
        assertThat(S5.lagMillis(0)).isZero();
        assertThat(S5.lagMillis(45_000)).isEqualTo(1_500);
        assertThat(S5.lagMillis(22_500)).isEqualTo(750);
        assertThat(S5.lagMillis(90_000)).isZero();
        assertThat(S5.lagMillis(135_000)).isEqualTo(1_500);
        assertThat(LagSwing.NONE.lagMillis(45_000)).isZero();
        assertThat(LagSwing.of(Duration.ZERO, Duration.ofSeconds(90)).lagMillis(45_000)).isZero();
    }

    @Test
    void releasesKeepTheEventsInOrderAndTheIngestTimesStay() {
        ClickstreamGenerator g = new ClickstreamGenerator(
                new EventSchedule(TrafficProfile.compressedDay(Duration.ofSeconds(180), 2, 7), 50_000), 1_000_000L, 7,
                50, 0.0, S5);
        ClickstreamGenerator plain = new ClickstreamGenerator(
                new EventSchedule(TrafficProfile.compressedDay(Duration.ofSeconds(180), 2, 7), 50_000), 1_000_000L, 7,
                50);
        long last = Long.MIN_VALUE;
        long maxLag = 0;
        for (long i = 0; i < g.totalEvents(); i++) {
            long released = g.releasedAt(i);
            assertThat(released).isGreaterThanOrEqualTo(last);
            last = released;
            assertThat(g.dueAt(i)).isEqualTo(plain.dueAt(i));
            assertThat(g.event(i)).isEqualTo(plain.event(i));
            maxLag = Math.max(maxLag, released - g.dueAt(i));
        }
        assertThat(maxLag).isBetween(1_450L, 1_500L);
        assertThat(plain.releasedAt(123)).isEqualTo(plain.dueAt(123));
    }

    @Test
    void aSwingTooFastForTheOrderIsRefused() {
        assertThatThrownBy(() -> LagSwing.of(Duration.ofMillis(1_500), Duration.ofMillis(4_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pi x the swing");
        assertThatThrownBy(() -> LagSwing.of(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
