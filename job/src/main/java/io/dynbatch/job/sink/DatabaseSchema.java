package io.dynbatch.job.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** Creates the job's tables if they are absent, once, from the client before the job starts. */
public final class DatabaseSchema {

    private DatabaseSchema() {}

    /**
     * Creates the totals tables, the dead-letter table (or upgrades it), the A/B report table and
     * the batch log table unless it is null, over one connection.
     */
    public static void ensure(DatabaseSettings settings, List<String> totalsTables, String deadLetterTable,
            String reportTable, String batchLogTable) throws SQLException {
        try (Connection c = connect(settings)) {
            for (String table : totalsTables) {
                new TotalsTable(table).createIfAbsent(c);
            }
            new DeadLetterTable(deadLetterTable).createOrUpgrade(c);
            new AbReportTable(reportTable).createIfAbsent(c);
            if (batchLogTable != null) {
                new BatchLogTable(batchLogTable).createIfAbsent(c);
            }
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
