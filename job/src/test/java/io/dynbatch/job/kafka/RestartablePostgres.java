package io.dynbatch.job.kafka;

import io.dynbatch.job.sink.TotalsTable;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * An embedded PostgreSQL of one test that the test may stop and start again on the same data
 * directory and port, as a database outage (never the machine's shared server, which other tests
 * use). Started on a free port; {@link #close} stops it if it runs.
 */
final class RestartablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDirectory) throws Exception {
        this.dataDirectory = dataDirectory;
        this.server = start(dataDirectory, 0);
        this.port = server.getPort();
    }

    static RestartablePostgres start(Path dataDirectory) throws Exception {
        return new RestartablePostgres(dataDirectory);
    }

    private static EmbeddedPostgres start(Path dataDirectory, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port)
                .start();
    }

    String url() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Stops the server; its data directory stays. */
    void stop() throws Exception {
        server.close();
        server = null;
    }

    /** Starts the server again on the same data directory and port. */
    void restart() throws Exception {
        server = start(dataDirectory, port);
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(url(), p);
    }

    /** The sum of {@code table}'s totals, or 0 while the server is down or the table missing. */
    long sumQuietly(String table) {
        try (Connection c = connect()) {
            return new TotalsTable(table).sumEvents(c);
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            stop();
        }
    }
}
