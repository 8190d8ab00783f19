package io.dynbatch.job.sink;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void backsOffExponentiallyWithJitterUpToTheCap() {
        assertThat(policy.delayAfterAttemptMillis(1, () -> 1.0)).isEqualTo(100);
        assertThat(policy.delayAfterAttemptMillis(2, () -> 1.0)).isEqualTo(200);
        assertThat(policy.delayAfterAttemptMillis(3, () -> 0.0)).isEqualTo(200); // half of 400
        assertThat(policy.delayAfterAttemptMillis(10, () -> 1.0)).isEqualTo(1000);
        assertThat(policy.delayAfterAttemptMillis(60, () -> 1.0)).isEqualTo(1000);
    }

    @Test
    void boundsTheNumberOfAttempts() {
        assertThat(policy.mayRetryAfter(4)).isTrue();
        assertThat(policy.mayRetryAfter(5)).isFalse();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOutageLimitBoundsTheTimeSpentFailingNotTheAttempts() {
        RetryPolicy outages = RetryPolicy.forOutagesUpTo(Duration.ofMinutes(5));
        assertThat(outages.mayRetryAfter(10_000, 299_999)).isTrue();
        assertThat(outages.mayRetryAfter(2, 300_000)).isFalse();
        assertThat(outages.delayAfterAttemptMillis(40, () -> 1.0)).isEqualTo(5_000);
        assertThat(policy.outageLimitMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void carriesTheCircuitBreakerSettings() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        CircuitBreaker byDefault = RetryPolicy.forOutagesUpTo(Duration.ofMinutes(5)).newCircuitBreaker(now::get);
        for (int i = 0; i < 3; i++) {
            assertThat(byDefault.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            byDefault.onFailure();
        }
        assertThat(byDefault.millisUntilCallAllowed()).isEqualTo(1_000);

        RetryPolicy custom = RetryPolicy.forOutagesUpTo(Duration.ofMinutes(1), Duration.ofMillis(50), Duration.ofSeconds(2))
                .withCircuitBreaker(1, Duration.ofMillis(200), Duration.ofMillis(400));
        CircuitBreaker breaker = custom.newCircuitBreaker(now::get);
        breaker.onFailure();
        assertThat(breaker.millisUntilCallAllowed()).isEqualTo(200);
        assertThat(custom.outageLimitMillis()).isEqualTo(60_000);
        assertThat(custom.delayAfterAttemptMillis(1, () -> 1.0)).isEqualTo(50);
        assertThat(custom.delayAfterAttemptMillis(20, () -> 1.0)).isEqualTo(2_000);
        assertThatThrownBy(() -> custom.withCircuitBreaker(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classifiesPostgresErrors() {
        assertThat(SqlErrors.isTransient(new SQLException("refused", "08001"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("deadlock", "40P01"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("serialization", "40001"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("admin shutdown", "57P01"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("unique violation", "23505"))).isFalse();
        assertThat(SqlErrors.isTransient(new SQLException("syntax", "42601"))).isFalse();
        assertThat(SqlErrors.isConnectionLost(new SQLException("gone", "08006"))).isTrue();
        assertThat(SqlErrors.isConnectionLost(new SQLException("deadlock", "40P01"))).isFalse();
    }

    @Test
    void tableNamesFromConfigAreValidated() {
        assertThat(SqlIdentifiers.requireTableName("click_totals")).isEqualTo("click_totals");
        assertThat(SqlIdentifiers.requireTableName("analytics.click_totals")).isEqualTo("analytics.click_totals");
        for (String bad : new String[] {"Click", "t; DROP TABLE x", "a.b.c", "", "1abc", "a-b"}) {
            assertThatThrownBy(() -> SqlIdentifiers.requireTableName(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void settingsNeverPrintThePassword() {
        DatabaseSettings s = new DatabaseSettings("jdbc:postgresql://h/db?password=secret&ssl=true", "u", "PG_PASS", "t");
        assertThat(s.toString()).doesNotContain("secret").contains("password=***").contains("PG_PASS");
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:postgresql://h/db", "u", "not a var; rm", "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
