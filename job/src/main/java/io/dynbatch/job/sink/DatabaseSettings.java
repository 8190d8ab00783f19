package io.dynbatch.job.sink;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where and how the job writes: JDBC URL, user, the <em>name</em> of the environment variable that
 * holds the password, and the totals table. The password itself is read from that variable where a
 * connection is made (client or TaskManager), so it is never part of the serialized job graph (kept
 * in HA storage) nor of the job's arguments. {@link #toString()} masks any password in the URL, so
 * these settings can be logged.
 */
public final class DatabaseSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String user;
    private final String passwordEnv;
    private final String totalsTable;

    /**
     * @param passwordEnv the environment variable holding the password, or null for none (trust
     *     authentication, or a password in a secured URL)
     */
    public DatabaseSettings(String url, String user, String passwordEnv, String totalsTable) {
        this.url = Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("only PostgreSQL is supported: the URL must start with jdbc:postgresql:");
        }
        this.user = user;
        if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw new IllegalArgumentException("not an environment variable name: " + passwordEnv);
        }
        this.passwordEnv = passwordEnv;
        this.totalsTable = SqlIdentifiers.requireTableName(totalsTable);
    }

    public String url() {
        return url;
    }

    public String totalsTable() {
        return totalsTable;
    }

    public DatabaseSettings withTotalsTable(String table) {
        return new DatabaseSettings(url, user, passwordEnv, table);
    }

    /**
     * Connection options for flink-connector-jdbc's connection providers. Unless the URL says
     * otherwise, connecting gives up after 10 s and a statement whose server stopped answering (a
     * network partition rather than a refused connection) after 120 s, as a lost connection the
     * writers retry: a write never hangs longer than Flink waits for a cancelled task (180 s)
     * before it kills the TaskManager.
     */
    public JdbcConnectionOptions connectionOptions() {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder b = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName("org.postgresql.Driver")
                .withConnectionCheckTimeoutSeconds(10)
                .withProperty("connectTimeout", "10")
                .withProperty("socketTimeout", "120");
        if (user != null) {
            b.withUsername(user);
        }
        String password = passwordEnv == null ? null : System.getenv(passwordEnv);
        if (password != null) {
            b.withPassword(password);
        }
        return b.build();
    }

    /** The URL with any {@code password=...} parameter masked. */
    public static String maskedUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public String toString() {
        return "DatabaseSettings{url=" + maskedUrl(url) + ", user=" + user
                + ", password from env " + (passwordEnv == null ? "(none)" : passwordEnv) + ", table=" + totalsTable + "}";
    }
}
