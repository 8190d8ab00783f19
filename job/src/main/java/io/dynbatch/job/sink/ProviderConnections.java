package io.dynbatch.job.sink;

import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * flink-connector-jdbc's connection provider as a writer's connection source, with no probe on the
 * hot path.
 *
 * <p>The provider's {@code getOrEstablishConnection()} calls {@link Connection#isValid} every time;
 * PostgreSQL's driver answers that with an empty statement, which the server counts as one more
 * transaction, so calling it before each batch doubled the commits a batch costs. Here the
 * connection is reused as it is while it works: {@link #get} only asks the driver whether it closed
 * the connection itself (a local check). After the writer reported an error on it ({@link
 * #suspect}) the next {@link #get} checks it with the provider (and reconnects if the check fails);
 * after an error that lost it ({@link #reset}) the next {@link #get} reconnects. {@link #warmUp}
 * connects when the writer opens, if the database can be reached then. Not thread-safe:
 * one per writer thread.
 */
public final class ProviderConnections implements ResilientBatchWriter.Connections {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderConnections.class);

    private final SimpleJdbcConnectionProvider provider;
    private boolean suspect;

    public ProviderConnections(SimpleJdbcConnectionProvider provider) {
        this.provider = provider;
    }

    @Override
    public Connection get() throws SQLException {
        Connection current = provider.getConnection();
        boolean usable = current != null && !current.isClosed() && (!suspect || stillValid());
        suspect = false;
        if (usable) {
            return current;
        }
        if (current != null) {
            provider.closeConnection(); // the provider would otherwise leave it open behind a new one
        }
        try {
            return provider.getOrEstablishConnection(); // it has none now: connects, no probe
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("PostgreSQL JDBC driver missing from the job jar", e);
        }
    }

    private boolean stillValid() {
        try {
            return provider.isConnectionValid();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void warmUp() {
        try {
            get();
        } catch (SQLException | RuntimeException e) {
            LOG.info("Database not reachable when the writer opened ({}); its first batch connects", e.getMessage());
        }
    }

    @Override
    public void suspect() {
        suspect = true;
    }

    @Override
    public void reset() {
        provider.closeConnection();
    }

    /** Closes the connection; never throws (the provider logs a failed close). */
    public void close() {
        try {
            provider.closeConnection();
        } catch (RuntimeException e) {
            // closing during a failure or cancellation must not add another one
        }
    }
}
