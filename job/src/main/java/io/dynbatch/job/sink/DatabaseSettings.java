package io.dynbatch.job.sink;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where and how the job writes: JDBC URL, credentials and table names. {@link #toString()} masks
 * the password and any password in the URL, so these settings can be logged.
 */
public final class DatabaseSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String user;
    private final String password;
    private final String totalsTable;

    public DatabaseSettings(String url, String user, String password, String totalsTable) {
        this.url = Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("only PostgreSQL is supported: the URL must start with jdbc:postgresql:");
        }
        this.user = user;
        this.password = password;
        this.totalsTable = SqlIdentifiers.requireTableName(totalsTable);
    }

    public String url() {
        return url;
    }

    public String totalsTable() {
        return totalsTable;
    }

    public DatabaseSettings withTotalsTable(String table) {
        return new DatabaseSettings(url, user, password, table);
    }

    /** Connection options for flink-connector-jdbc's connection providers and sinks. */
    public JdbcConnectionOptions connectionOptions() {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder b = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName("org.postgresql.Driver")
                .withConnectionCheckTimeoutSeconds(10);
        if (user != null) {
            b.withUsername(user);
        }
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
                + ", password=" + (password == null ? "none" : "***") + ", table=" + totalsTable + "}";
    }
}
