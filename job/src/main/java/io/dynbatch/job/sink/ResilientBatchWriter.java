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
 *       backoff ({@link RetryingTransactions}); the calling (task) thread waits, which backpressures
 *       the job. If they outlast the policy's outage limit the {@link SQLException} propagates and
 *       the task fails over (nothing is lost: the batch is replayed from the checkpoint);
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

        /**
         * Connects now if it can, so that the first batch does not pay for the connection (on
         * PostgreSQL a new server process) in its latency and in its write time; never throws (a
         * database that cannot be reached now is reached by the first {@link #get}, through the
         * write path's retries). By default nothing.
         */
        default void warmUp() {}
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
    public static final class Outcome extends RetryingTransactions.Counts {
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
    private final RetryingTransactions transactions;

    public ResilientBatchWriter(TotalsTable table, Connections connections, RetryPolicy retryPolicy,
            CircuitBreaker breaker, Sleeper sleeper, DoubleSupplier random) {
        this(table, new RetryingTransactions(connections, retryPolicy, breaker, sleeper, random,
                System::currentTimeMillis));
    }

    public ResilientBatchWriter(TotalsTable table, RetryingTransactions transactions) {
        this.table = table;
        this.transactions = transactions;
    }

    public CircuitBreaker breaker() {
        return transactions.breaker();
    }

    /** The transactions this writer runs, with the outage figures for metrics. */
    public RetryingTransactions transactions() {
        return transactions;
    }

    /** Writes {@code rows} (distinct) with their absolute {@code totals}. */
    public Outcome write(List<RowKey> rows, long[] totals) throws SQLException, InterruptedException {
        Outcome outcome = new Outcome();
        Bisection.write(0, rows.size(),
                (from, to) -> transactions.run(
                        c -> table.upsertTotals(c, rows.subList(from, to), Arrays.copyOfRange(totals, from, to)), outcome),
                (index, why) -> {
                    outcome.rejected.add(new Rejected(index, why.getSQLState(), why.getMessage()));
                    LOG.warn("Row {} rejected by the database (SQLSTATE {}): {}", rows.get(index), why.getSQLState(),
                            why.getMessage());
                });
        return outcome;
    }
}
