package io.dynbatch.bench.ab;

import io.dynbatch.job.Arm;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.sink.DatabaseSchema;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.SqlIdentifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the A/B benchmark does in PostgreSQL besides the job: fresh arm tables, the slowdown of
 * scenario S2, and PostgreSQL's own figures (commits, WAL bytes, tuples written per arm table).
 */
final class AbDatabase {

    /** The environment variable with the password of user {@code postgres} (none if unset). */
    static final String PASSWORD_ENV = "DYNBATCH_JDBC_PASSWORD";

    private AbDatabase() {}

    static DatabaseSettings settings(String url, String totalsTable) {
        return new DatabaseSettings(url, "postgres", PASSWORD_ENV, totalsTable);
    }

    static void resetTables(JobOptions options, DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            for (Arm arm : options.activeArms()) {
                s.execute("DROP TABLE IF EXISTS "
                        + SqlIdentifiers.requireTableName(options.totalsTableFor(database.totalsTable(), arm)));
            }
            if (options.batchLogTable() != null) { // this run's batches only
                s.execute("DROP TABLE IF EXISTS " + options.batchLogTable());
            }
        }
    }

    /** A statement trigger on every arm table that sleeps as long as bench_slowdown says (0: not at all). */
    static void installSlowdownTrigger(JobOptions options, DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_slowdown (ms integer NOT NULL)");
            s.execute("DELETE FROM bench_slowdown");
            s.execute("INSERT INTO bench_slowdown VALUES (0)");
            s.execute("CREATE OR REPLACE FUNCTION bench_slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    + "DECLARE d integer; BEGIN SELECT ms INTO d FROM bench_slowdown; "
                    + "IF d > 0 THEN PERFORM pg_sleep(d / 1000.0); END IF; RETURN NULL; END $$");
            for (Arm arm : options.activeArms()) {
                String table = SqlIdentifiers.requireTableName(options.totalsTableFor(database.totalsTable(), arm));
                s.execute("CREATE TRIGGER bench_slow BEFORE INSERT ON " + table
                        + " FOR EACH STATEMENT EXECUTE FUNCTION bench_slow_write()");
            }
        }
    }

    static void setSlowdown(DatabaseSettings database, int millis) {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE bench_slowdown SET ms = " + millis);
            System.out.printf("  database writes now sleep %d ms per statement%n", millis);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the slowdown", e);
        }
    }

    /** {xact_commit of this database, WAL position in bytes}. */
    static long[] databaseStats(DatabaseSettings database) throws SQLException {
        try (Connection c = DatabaseSchema.connect(database); Statement s = c.createStatement()) {
            try {
                s.execute("SELECT pg_stat_force_next_flush()"); // PostgreSQL 15+; older servers flush on their own
            } catch (SQLException olderServer) {
                // autocommit: the failed call leaves the connection usable
            }
            ResultSet rs = s.executeQuery("SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = "
                    + "current_database()), pg_current_wal_lsn() - '0/0'::pg_lsn");
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Rows inserted plus rows updated, per arm table (pg_stat_user_tables). */
    static Map<String, Long> tuplesWritten(JobOptions options, DatabaseSettings database) throws SQLException {
        Map<String, Long> tuples = new TreeMap<>();
        try (Connection c = DatabaseSchema.connect(database); PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = ?")) {
            for (Arm arm : options.activeArms()) {
                s.setString(1, options.totalsTableFor(database.totalsTable(), arm));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    tuples.put(arm.label(), rs.getLong(1));
                }
            }
        }
        return tuples;
    }

    /** "PostgreSQL <version>", or "unknown" if the server does not answer. */
    static String serverVersion(String url) {
        try (Connection c = DatabaseSchema.connect(settings(url, "t"));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            return "unknown";
        }
    }
}
