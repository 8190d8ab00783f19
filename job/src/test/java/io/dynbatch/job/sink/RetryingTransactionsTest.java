package io.dynbatch.job.sink;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RetryingTransactions} against a database that is down until a given time, on a fake clock. */
class RetryingTransactionsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> calls = new ArrayList<>();
    private long upAt;

    /** Refuses connections (SQLSTATE 08001) until {@code upAt}; then hands out a connection that does nothing. */
    private final ResilientBatchWriter.Connections database = new ResilientBatchWriter.Connections() {
        @Override
        public Connection get() throws SQLException {
            calls.add("get");
            if (now.get() < upAt) {
                throw new SQLException("Connection refused", "08001");
            }
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        calls.add(method.getName());
                        return null;
                    });
        }

        @Override
        public void reset() {
            calls.add("reset");
        }
    };

    private RetryingTransactions transactions(Duration outageLimit) {
        return new RetryingTransactions(database, RetryPolicy.forOutagesUpTo(outageLimit),
                new CircuitBreaker(3, 1_000, 15_000, now::get), now::addAndGet, () -> 0.5, now::get);
    }

    @Test
    void ridesOutAnOutageShorterThanTheLimit() throws Exception {
        RetryingTransactions tx = transactions(Duration.ofMinutes(5));
        upAt = now.get() + 90_000;
        long start = now.get();
        RetryingTransactions.Counts counts = new RetryingTransactions.Counts();
        tx.run(c -> calls.add("work"), counts);

        assertThat(now.get() - start).as("waited for the database").isBetween(90_000L, 90_000L + 15_000);
        assertThat(counts.transactions).isEqualTo(1);
        assertThat(counts.retries).isPositive();
        assertThat(calls).containsSubsequence("work", "commit").endsWith("commit");
        assertThat(tx.outageMillis()).isZero();
        assertThat(tx.millisSinceLastCommit()).isZero();
        assertThat(tx.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void givesUpOnceTheDatabaseFailedForLongerThanTheLimitWithOneWrappedError() {
        RetryingTransactions tx = transactions(Duration.ofSeconds(20));
        upAt = Long.MAX_VALUE;
        long start = now.get();
        assertThatThrownBy(() -> tx.run(c -> calls.add("work"), new RetryingTransactions.Counts()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("database still failing")
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("08001");
                    assertThat(e.getCause()).isInstanceOf(SQLException.class).hasNoCause();
                });
        assertThat(now.get() - start).isBetween(20_000L, 20_000L + 15_000);
        assertThat(calls).doesNotContain("work").contains("reset");
    }

    @Test
    void reportsTheOutageWhileItLasts() throws Exception {
        RetryingTransactions tx = transactions(Duration.ofSeconds(10));
        upAt = Long.MAX_VALUE;
        long start = now.get();
        assertThatThrownBy(() -> tx.run(c -> {}, new RetryingTransactions.Counts())).isInstanceOf(SQLException.class);
        assertThat(tx.outageMillis()).isEqualTo(now.get() - start);
        assertThat(tx.millisSinceLastCommit()).isEqualTo(now.get() - start);
        assertThat(tx.breaker().state()).isIn(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void aRowSpecificErrorIsHandedBackForBisectionAndAPermanentOneAsItIs() {
        RetryingTransactions tx = transactions(Duration.ofMinutes(5));
        assertThatThrownBy(() -> tx.run(c -> {
            throw new SQLException("check violated", "23514");
        }, new RetryingTransactions.Counts())).isInstanceOf(RetryingTransactions.RowSpecificFailure.class);
        assertThatThrownBy(() -> tx.run(c -> {
            throw new SQLException("no such table", "42P01");
        }, new RetryingTransactions.Counts())).isInstanceOf(SQLException.class).hasMessage("no such table");
        assertThat(calls).contains("rollback").doesNotContain("commit");
    }
}
