package io.dynbatch.job.sink;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;
import java.util.Objects;

/**
 * How rows of one small table are written: the insert statement (a prepared statement, one row's
 * parameters), how a row binds to it, and its residue: the same row in a form the database cannot
 * refuse on content (text hex-encoded, values clamped), recorded instead of a row it refused.
 *
 * @param <T> the row type
 */
public final class TableRows<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final String insertStatement;
    private final JdbcStatementBuilder<T> binder;
    private final SerializableFunction<T, T> residue;

    public TableRows(String table, String insertStatement, JdbcStatementBuilder<T> binder,
            SerializableFunction<T, T> residue) {
        this.table = Objects.requireNonNull(table);
        this.insertStatement = Objects.requireNonNull(insertStatement);
        this.binder = Objects.requireNonNull(binder);
        this.residue = Objects.requireNonNull(residue);
    }

    /** The table's name (for logs and metrics). */
    public String table() {
        return table;
    }

    public String insertStatement() {
        return insertStatement;
    }

    public JdbcStatementBuilder<T> binder() {
        return binder;
    }

    /** The row in a form that cannot fail on content. */
    public T residueOf(T row) {
        return residue.apply(row);
    }
}
