package io.dynbatch.job.sink;

import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * flink-connector-jdbc's connection provider, built where it is used (on the TaskManager) from
 * {@link DatabaseSettings}, which carry only the name of the password's environment variable: so a
 * JdbcSink built with it serializes no password into the job graph.
 */
public final class EnvPasswordConnectionProvider implements JdbcConnectionProvider {

    private static final long serialVersionUID = 1L;

    private final DatabaseSettings settings;
    private transient SimpleJdbcConnectionProvider delegate;

    public EnvPasswordConnectionProvider(DatabaseSettings settings) {
        this.settings = settings;
    }

    private SimpleJdbcConnectionProvider delegate() {
        if (delegate == null) {
            delegate = new SimpleJdbcConnectionProvider(settings.connectionOptions());
        }
        return delegate;
    }

    @Override
    public Connection getConnection() {
        return delegate().getConnection();
    }

    @Override
    public boolean isConnectionValid() throws SQLException {
        return delegate().isConnectionValid();
    }

    @Override
    public Connection getOrEstablishConnection() throws SQLException, ClassNotFoundException {
        return delegate().getOrEstablishConnection();
    }

    @Override
    public void closeConnection() {
        if (delegate != null) {
            delegate.closeConnection();
        }
    }

    @Override
    public Connection reestablishConnection() throws SQLException, ClassNotFoundException {
        return delegate().reestablishConnection();
    }
}
