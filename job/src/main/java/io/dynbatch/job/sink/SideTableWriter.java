package io.dynbatch.job.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes batches of rows into a small side table (dead letters, A/B reports) so that neither an
 * outage nor a row the database refuses can fail the job:
 *
 * <ul>
 *   <li>a batch is one prepared statement executed as a JDBC batch in one transaction;
 *   <li>transient errors are retried behind a circuit breaker up to the policy's outage limit
 *       ({@link RetryingTransactions}): the calling thread waits, backpressuring the job;
 *   <li>rows the database refuses on content (SQLSTATE class 22 or 23) are bisected out ({@link
 *       Bisection}); each is recorded as its residue ({@link TableRows#residueOf}), and should even
 *       that be refused, logged and counted as unstorable: never a task failure;
 *   <li>beyond the outage limit, or on another permanent error (missing table), the {@link
 *       SQLException} propagates.
 * </ul>
 *
 * Plain JDBC, no Flink. Not thread-safe: one per writer thread.
 */
public final class SideTableWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(SideTableWriter.class);

    /** What writing one batch took. */
    public static final class Outcome extends RetryingTransactions.Counts {
        /** Rows recorded as their residue instead. */
        public int residues;
        /** Rows whose residue was refused too: only logged. */
        public int unstorable;
    }

    private final TableRows<T> rows;
    private final RetryingTransactions transactions;

    public SideTableWriter(TableRows<T> rows, RetryingTransactions transactions) {
        this.rows = rows;
        this.transactions = transactions;
    }

    public RetryingTransactions transactions() {
        return transactions;
    }

    /** Writes {@code batch}: every row lands in the table once, as itself or as its residue. */
    public Outcome write(List<T> batch) throws SQLException, InterruptedException {
        Outcome outcome = new Outcome();
        Bisection.write(0, batch.size(),
                (from, to) -> transactions.run(c -> insert(c, batch.subList(from, to)), outcome),
                (index, why) -> recordResidue(batch.get(index), why, outcome));
        return outcome;
    }

    private void recordResidue(T row, SQLException why, Outcome outcome) throws SQLException, InterruptedException {
        LOG.warn("{} refused a row (SQLSTATE {}: {}); recording its residue", rows.table(), why.getSQLState(),
                why.getMessage());
        T residue;
        try {
            residue = rows.residueOf(row);
            transactions.run(c -> insert(c, List.of(residue)), outcome);
            outcome.residues++;
        } catch (RetryingTransactions.RowSpecificFailure | RuntimeException e) {
            outcome.unstorable++;
            LOG.error("{} refused the residue of a row too; the row is only logged: {}", rows.table(), row, e);
        }
    }

    private void insert(Connection c, List<T> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(rows.insertStatement())) {
            for (T row : batch) {
                rows.binder().accept(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
