package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Writes one batch of absolute row totals so that database trouble costs time, never data:
 *
 * <ul>
 *   <li>the whole batch is one statement in one transaction when all goes well;
 *   <li>transient errors ({@link SqlErrors#isTransient}) are retried with {@link RetryPolicy}'s
 *       backoff; the calling (task) thread waits, which backpressures the job. If they outlast the
 *       policy the {@link SQLException} propagates and the task fails over (nothing is lost: the
 *       batch is replayed from the checkpoint);
 *   <li>a {@link CircuitBreaker} shared by all batches of the writer stops calls while the database
 *       keeps failing and lets one probe through after the open period;
 *   <li>a permanent, row-specific error (SQLSTATE class 22 data exception or 23 integrity
 *       violation, e.g. a CHECK constraint) is narrowed down by bisection: each half is written in
 *       its own transaction, down to the single poison rows, which are returned as rejected while
 *       every other row commits. Other permanent errors (missing table, permissions) fail the task.
 * </ul>
 *
 * Not thread-safe: one per writer thread. Connections come from a {@link Connections} source.
 */
public final class ResilientBatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientBatchWriter.class);

    /** Where connections come from (flink-connector-jdbc's provider in the job). */
    public interface Connections {
        Connection get() throws SQLException;

        /** Drops the current connection after it failed; the next {@link #get} reconnects. */
        void reset();

        /**
         * An error other than a lost connection happened on the current connection: the next {@link
         * #get} may check it before handing it out (nothing is checked before a normal batch).
         */
        default void suspect() {}
    }

    /** Waits; injected so tests need not sleep. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** A row the database refused permanently. */
    public static final class Rejected {
        public final int index;
        public final String sqlState;
        public final String message;

        Rejected(int index, String sqlState, String message) {
            this.index = index;
            this.sqlState = sqlState;
            this.message = message;
        }
    }

    /** What writing one batch took. */
    public static final class Outcome {
        public int statements;
        public int transactions;
        public int retries;
        public final List<Rejected> rejected = new ArrayList<>();

        /** Why the row at {@code index} was rejected, or null if it committed. */
        public Rejected rejection(int index) {
            for (Rejected r : rejected) {
                if (r.index == index) {
                    return r;
                }
            }
            return null;
        }
    }

    private final TotalsTable table;
    private final Connections connections;
    private final RetryPolicy retryPolicy;
    private final CircuitBreaker breaker;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public ResilientBatchWriter(TotalsTable table, Connections connections, RetryPolicy retryPolicy,
            CircuitBreaker breaker, Sleeper sleeper, DoubleSupplier random) {
        this.table = table;
        this.connections = connections;
        this.retryPolicy = retryPolicy;
        this.breaker = breaker;
        this.sleeper = sleeper;
        this.random = random;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Writes {@code rows} (distinct) with their absolute {@code totals}. */
    public Outcome write(List<RowKey> rows, long[] totals) throws SQLException, InterruptedException {
        Outcome outcome = new Outcome();
        writeRange(rows, totals, 0, rows.size(), outcome);
        return outcome;
    }

    private void writeRange(List<RowKey> rows, long[] totals, int from, int to, Outcome outcome)
            throws SQLException, InterruptedException {
        try {
            writeWithRetries(rows.subList(from, to), Arrays.copyOfRange(totals, from, to), outcome);
        } catch (RowSpecificFailure f) {
            if (to - from == 1) {
                outcome.rejected.add(new Rejected(from, f.cause.getSQLState(), f.cause.getMessage()));
                LOG.warn("Row {} rejected by the database (SQLSTATE {}): {}", rows.get(from), f.cause.getSQLState(),
                        f.cause.getMessage());
                return;
            }
            int mid = (from + to) >>> 1;
            writeRange(rows, totals, from, mid, outcome);
            writeRange(rows, totals, mid, to, outcome);
        }
    }

    private void writeWithRetries(List<RowKey> rows, long[] totals, Outcome outcome)
            throws SQLException, InterruptedException, RowSpecificFailure {
        for (int attempt = 1; ; attempt++) {
            long wait = breaker.millisUntilCallAllowed();
            if (wait > 0) {
                sleeper.sleep(wait);
            }
            try {
                Connection c = connections.get();
                c.setAutoCommit(false);
                try {
                    outcome.statements++;
                    table.upsertTotals(c, rows, totals);
                    c.commit();
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
                outcome.transactions++;
                breaker.onSuccess();
                return;
            } catch (SQLException e) {
                if (!SqlErrors.isTransient(e)) {
                    breaker.onSuccess(); // the database answered: it is up
                    if (isRowSpecific(e)) {
                        throw new RowSpecificFailure(e);
                    }
                    throw e;
                }
                breaker.onFailure();
                if (SqlErrors.isConnectionLost(e)) {
                    connections.reset();
                } else {
                    connections.suspect();
                }
                if (!retryPolicy.mayRetryAfter(attempt)) {
                    throw new SQLException("database still failing after " + attempt + " attempts: " + e.getMessage(),
                            e.getSQLState(), e);
                }
                outcome.retries++;
                long delay = retryPolicy.delayAfterAttemptMillis(attempt, random);
                LOG.warn("Transient database error (SQLSTATE {}), attempt {}, retrying in {} ms (breaker {}): {}",
                        e.getSQLState(), attempt, delay, breaker.state(), e.getMessage());
                sleeper.sleep(delay);
            }
        }
    }

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

    /** A permanent failure caused by some row of the batch. */
    private static final class RowSpecificFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final SQLException cause;

        RowSpecificFailure(SQLException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
