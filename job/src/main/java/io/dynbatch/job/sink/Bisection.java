package io.dynbatch.job.sink;

import java.sql.SQLException;

/**
 * Writes a range of rows so that rows the database refuses on their content cannot hold back the
 * others: when a range fails with a {@link RetryingTransactions.RowSpecificFailure}, each half is
 * written on its own, down to the single rows that still fail, which are handed to the {@link
 * Refusal}. Every other row is written exactly once by a successful range write. Costs O(k log n)
 * extra writes for k refused rows among n. Pure: the writes are the caller's.
 */
final class Bisection {

    /** Writes rows {@code [from, to)} in one transaction. */
    @FunctionalInterface
    interface RangeWrite {
        void write(int from, int to) throws SQLException, InterruptedException, RetryingTransactions.RowSpecificFailure;
    }

    /** Takes the single row at {@code index} that the database refused, with its reason. */
    @FunctionalInterface
    interface Refusal {
        void refused(int index, SQLException why) throws SQLException, InterruptedException;
    }

    private Bisection() {}

    /** Writes {@code [from, to)}, bisecting around rows the database refuses. */
    static void write(int from, int to, RangeWrite write, Refusal refusal) throws SQLException, InterruptedException {
        if (from >= to) {
            return;
        }
        try {
            write.write(from, to);
        } catch (RetryingTransactions.RowSpecificFailure f) {
            if (to - from == 1) {
                refusal.refused(from, f.cause);
                return;
            }
            int mid = (from + to) >>> 1;
            write(from, mid, write, refusal);
            write(mid, to, write, refusal);
        }
    }
}
