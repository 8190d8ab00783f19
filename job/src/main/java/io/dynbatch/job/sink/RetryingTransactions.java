package io.dynbatch.job.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Runs units of work, each in one transaction, so that database trouble costs time, not data.
 *
 * <p>Guarantees for {@link #run}: the work either commits exactly once and {@code run} returns, or
 * {@code run} throws and the transaction was rolled back:
 *
 * <ul>
 *   <li>transient errors ({@link SqlErrors#isTransient}) are retried with {@link RetryPolicy}'s
 *       backoff behind a {@link CircuitBreaker}: the calling (task) thread waits, which backpressures
 *       the job; an outage is ridden out for as long as the policy allows (its outage limit, counted
 *       from the first failure after the last commit), then the last error is thrown, wrapped once;
 *   <li>a permanent error caused by the data (SQLSTATE class 22 or 23) is thrown as {@link
 *       RowSpecificFailure}, for the caller to narrow down ({@link Bisection});
 *   <li>other permanent errors (missing table, permissions) are thrown as they are;
 *   <li>an interrupt (task cancellation) ends a wait with {@link InterruptedException}.
 * </ul>
 *
 * It also keeps what the on-call needs to see an outage: the breaker's state, the time of the last
 * commit and how long the database has been failing ({@link #outageMillis}); these three may be read
 * from another thread (metrics). Otherwise not thread-safe: one per writer thread.
 */
public final class RetryingTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingTransactions.class);

    /** One unit of work, run inside a transaction (auto-commit off); the caller commits. */
    @FunctionalInterface
    public interface Work {
        void run(Connection connection) throws SQLException;
    }

    /** What running work took, added up over calls. */
    public static class Counts {
        /** Statements attempted (one per attempt of a work). */
        public int statements;
        /** Transactions committed. */
        public int transactions;
        /** Attempts that failed and were retried. */
        public int retries;
    }

    /** A permanent failure caused by some row of the work (SQLSTATE class 22 or 23). */
    public static final class RowSpecificFailure extends Exception {
        private static final long serialVersionUID = 1L;
        public final SQLException cause;

        RowSpecificFailure(SQLException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private final ResilientBatchWriter.Connections connections;
    private final RetryPolicy retryPolicy;
    private final CircuitBreaker breaker;
    private final ResilientBatchWriter.Sleeper sleeper;
    private final DoubleSupplier random;
    private final LongSupplier clock;

    private volatile long lastCommitMillis;
    private volatile long failingSinceMillis = -1;

    public RetryingTransactions(ResilientBatchWriter.Connections connections, RetryPolicy retryPolicy,
            CircuitBreaker breaker, ResilientBatchWriter.Sleeper sleeper, DoubleSupplier random, LongSupplier clock) {
        this.connections = connections;
        this.retryPolicy = retryPolicy;
        this.breaker = breaker;
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
        this.lastCommitMillis = clock.getAsLong();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Time since the last commit (or since this object was made, before the first). */
    public long millisSinceLastCommit() {
        return Math.max(0, clock.getAsLong() - lastCommitMillis);
    }

    /** How long the database has been failing, counted from the first failure after the last success; 0 when it answers. */
    public long outageMillis() {
        long since = failingSinceMillis;
        return since < 0 ? 0 : Math.max(0, clock.getAsLong() - since);
    }

    /** Runs {@code work} in one transaction, retrying transient errors (see the class comment). */
    public void run(Work work, Counts counts) throws SQLException, InterruptedException, RowSpecificFailure {
        for (int attempt = 1; ; attempt++) {
            long wait = breaker.millisUntilCallAllowed();
            if (wait > 0) {
                sleeper.sleep(wait);
            }
            try {
                Connection c = connections.get();
                c.setAutoCommit(false);
                try {
                    counts.statements++;
                    work.run(c);
                    c.commit();
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
                counts.transactions++;
                answered();
                lastCommitMillis = clock.getAsLong();
                return;
            } catch (SQLException e) {
                if (!SqlErrors.isTransient(e)) {
                    answered(); // the database answered: it is up
                    if (isRowSpecific(e)) {
                        throw new RowSpecificFailure(e);
                    }
                    throw e;
                }
                retryOrThrow(e, attempt);
                counts.retries++;
            }
        }
    }

    private void answered() {
        breaker.onSuccess();
        failingSinceMillis = -1;
    }

    /** After a transient error: backs off if the policy allows another attempt, else throws. */
    private void retryOrThrow(SQLException e, int attempt) throws SQLException, InterruptedException {
        long now = clock.getAsLong();
        if (failingSinceMillis < 0) {
            failingSinceMillis = now;
        }
        breaker.onFailure();
        if (SqlErrors.isConnectionLost(e)) {
            connections.reset();
        } else {
            connections.suspect();
        }
        long failingFor = now - failingSinceMillis;
        if (!retryPolicy.mayRetryAfter(attempt, failingFor)) {
            throw new SQLException("database still failing after " + attempt + " attempts, " + failingFor
                    + " ms since its first failure (" + retryPolicy + "): " + e.getMessage(), e.getSQLState(), e);
        }
        long delay = retryPolicy.delayAfterAttemptMillis(attempt, random);
        LOG.warn("Transient database error (SQLSTATE {}), attempt {}, failing for {} ms, retrying in {} ms (breaker {}): {}",
                e.getSQLState(), attempt, failingFor, delay, breaker.state(), e.getMessage());
        sleeper.sleep(delay);
    }

    /** True for a permanent error the data caused: a data exception (class 22) or an integrity violation (23). */
    static boolean isRowSpecific(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; a retry re-establishes it
        }
    }
}
