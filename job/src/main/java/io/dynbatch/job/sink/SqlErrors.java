package io.dynbatch.job.sink;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Classifies database errors as transient (worth retrying) or permanent. */
public final class SqlErrors {

    private SqlErrors() {}

    /**
     * True for errors that a retry can fix: lost or refused connections (SQLSTATE class 08),
     * serialization failures (40001), deadlocks (40P01), server shutdown or start-up (57P01..57P03),
     * too many connections (53300), and JDBC's transient/recoverable exception types.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.startsWith("57P") || state.equals("53300"))) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** True if the connection is presumably unusable after this error and must be re-established. */
    public static boolean isConnectionLost(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return true;
                }
            }
            if (t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }
}
