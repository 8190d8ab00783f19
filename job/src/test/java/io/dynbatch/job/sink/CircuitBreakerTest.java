package io.dynbatch.job.sink;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CircuitBreaker} on a fake clock. */
class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, 1_000, 4_000, now::get);

    @Test
    void opensAfterConsecutiveFailuresThenProbesAndCloses() {
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.millisUntilCallAllowed()).isZero();

        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.millisUntilCallAllowed()).isEqualTo(1_000);

        now.addAndGet(1_000);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.millisUntilCallAllowed()).isZero();

        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.timesOpened()).isEqualTo(1);
    }

    @Test
    void aFailedProbeReopensForLongerUpToTheCap() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        long[] expectedOpen = {2_000, 4_000, 4_000};
        for (long open : expectedOpen) {
            now.addAndGet(breaker.millisUntilCallAllowed());
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            breaker.onFailure(); // the probe fails
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(breaker.millisUntilCallAllowed()).isEqualTo(open);
        }
    }

    @Test
    void successResetsTheFailureCount() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.state().code()).isZero();
    }
}
