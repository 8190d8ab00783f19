package io.dynbatch.job.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatenessTest {

    private static final long T = 1_800_000_000_000L;

    @Test
    void boundSaturatesInsteadOfOverflowing() {
        assertThat(Lateness.bound(Long.MIN_VALUE + 5, 60_000)).isEqualTo(Long.MIN_VALUE);
        assertThat(Lateness.bound(T, 60_000)).isEqualTo(T - 60_000);
    }

    @Test
    void lateAtAndBeforeTheBoundOnly() {
        long bound = Lateness.bound(T, 60_000);
        assertThat(Lateness.isLate(bound - 1, bound)).isTrue();
        assertThat(Lateness.isLate(bound, bound)).isTrue();
        assertThat(Lateness.isLate(bound + 1, bound)).isFalse();
    }

    @Test
    void nothingIsLateWithoutAWatermark() {
        long none = Lateness.bound(Long.MIN_VALUE, 60_000);
        assertThat(Lateness.isLate(Long.MIN_VALUE + 1, none)).isFalse();
        assertThat(Lateness.isLate(0, none)).isFalse();
    }
}
