package io.dynbatch.job.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Creates the job's tables if they are absent, once, from the client before the job starts. */
public final class DatabaseSchema {

    private DatabaseSchema() {}

    public static void ensure(DatabaseSettings settings, String deadLetterTable) throws SQLException {
        try (Connection c = connect(settings)) {
            new TotalsTable(settings.totalsTable()).createIfAbsent(c);
            new DeadLetterTable(deadLetterTable).createIfAbsent(c);
        }
    }

    /** A plain connection with the settings' credentials (for set-up and checks, not the write path). */
    public static Connection connect(DatabaseSettings settings) throws SQLException {
        var options = settings.connectionOptions();
        Properties props = new Properties();
        options.getUsername().ifPresent(u -> props.setProperty("user", u));
        options.getPassword().ifPresent(pw -> props.setProperty("password", pw));
        return DriverManager.getConnection(options.getDbURL(), props);
    }
}
