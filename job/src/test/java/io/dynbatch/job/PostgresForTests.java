package io.dynbatch.job;

import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real PostgreSQL for tests: the server at 127.0.0.1:5432 (database {@code test}, trust auth)
 * when it answers, otherwise an embedded PostgreSQL started once per JVM. Each caller gets its own
 * table names, so tests never see each other's rows.
 */
public final class PostgresForTests {

    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static String url;
    private static EmbeddedPostgres embedded;

    private PostgresForTests() {}

    public static synchronized String url() {
        if (url == null) {
            url = localServerAnswers() ? LOCAL_URL : startEmbedded();
        }
        return url;
    }

    /** Settings for a fresh, uniquely named totals table. */
    public static DatabaseSettings freshSettings(String prefix) {
        return new DatabaseSettings(url(), "postgres", null, uniqueName(prefix));
    }

    public static String uniqueName(String prefix) {
        return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }

    public static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url(), p);
    }

    /** Sum of all totals in {@code table}. */
    public static long sumEvents(String table) throws SQLException {
        try (Connection c = connect()) {
            return new TotalsTable(table).sumEvents(c);
        }
    }

    private static boolean localServerAnswers() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(LOCAL_URL, p)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static String startEmbedded() {
        try {
            embedded = EmbeddedPostgres.builder().setPort(0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (Exception ignored) {
                    // JVM is exiting
                }
            }));
            return "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
        } catch (Exception e) {
            throw new IllegalStateException("no PostgreSQL at 127.0.0.1:5432 and the embedded one did not start", e);
        }
    }
}
