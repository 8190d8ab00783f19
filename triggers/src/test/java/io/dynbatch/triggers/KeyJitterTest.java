package io.dynbatch.triggers;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Timers spread per key, aligned to a grid, or aligned and joined to the rounds other keys planned. */
class KeyJitterTest {

    @Test
    void aSpreadIsStablePerKeyAndWithinItsBound() throws Exception {
        KeyJitter<Integer> jitter = KeyJitter.upTo(Duration.ofMillis(100), k -> k);
        for (int key = 0; key < 50; key++) {
            long timer = jitter.timerFor(10_000, key, 0);
            assertThat(timer).isBetween(9_900L, 10_000L).isEqualTo(jitter.timerFor(10_000, key, 0));
        }
    }

    @Test
    void alignedTimersAreRoundedDownToTheGrid() {
        KeyJitter<Object> grid = KeyJitter.alignedTo(Duration.ofMillis(50));
        assertThat(grid.timerAt(10_049, 0, 0)).isEqualTo(10_000);
        assertThat(grid.timerAt(10_050, 0, 0)).isEqualTo(10_050);
    }

    @Test
    void aTimerJoinsTheLatestRoundPlannedWithinTheJoinWindowBeforeIt() {
        KeyJitter<Object> joined = KeyJitter.alignedTo(Duration.ofMillis(50), Duration.ofMillis(500));
        long now = 1_000;
        assertThat(joined.timerAt(3_020, 0, now)).isEqualTo(3_000); // a new round
        assertThat(joined.timerAt(3_480, 0, now)).isEqualTo(3_000); // joins it, 450 ms early
        assertThat(joined.timerAt(3_560, 0, now)).isEqualTo(3_550); // too far after it: a round of its own
        assertThat(joined.timerAt(3_700, 0, now)).isEqualTo(3_550); // joins the nearest before it
        assertThat(joined.timerAt(2_900, 0, now)).isEqualTo(2_900); // never later than its deadline
    }

    @Test
    void roundsThatPassedAreNotJoinedAndTimersNeverFireBeforeNow() {
        KeyJitter<Object> joined = KeyJitter.alignedTo(Duration.ofMillis(50), Duration.ofSeconds(1));
        assertThat(joined.timerAt(2_000, 0, 1_000)).isEqualTo(2_000);
        assertThat(joined.timerAt(2_500, 0, 2_000)).isEqualTo(2_500); // the round at 2,000 is due now: not joined
        assertThat(joined.timerAt(2_600, 0, 2_100)).isEqualTo(2_500);
    }

    @Test
    void onlyTheGridCountsAgainstATriggersMaxDelay() {
        KeyJitter<Object> joined = KeyJitter.alignedTo(Duration.ofMillis(50), Duration.ofSeconds(1));
        assertThat(joined.requireAtMost(1_000)).isSameAs(joined);
        assertThat(joined.toString()).isEqualTo("alignedTo(50ms, join 1000ms)");
        assertThatThrownBy(() -> KeyJitter.alignedTo(Duration.ofMillis(50), Duration.ofMillis(-1)))
                .hasMessageContaining("join");
        assertThatThrownBy(() -> KeyJitter.alignedTo(Duration.ZERO, Duration.ZERO)).hasMessageContaining("grid");
    }
}
