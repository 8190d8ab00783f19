package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;

import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The writer's connection source against a real PostgreSQL: warming up connects once, and never throws. */
class ProviderConnectionsITCase {

    private static ProviderConnections connectionsTo(String url) {
        DatabaseSettings settings = new DatabaseSettings(url, "postgres", null, "unused");
        return new ProviderConnections(new SimpleJdbcConnectionProvider(settings.connectionOptions()));
    }

    @Test
    void warmUpConnectsSoTheFirstBatchGetsTheSameConnection() throws Exception {
        ProviderConnections connections = connectionsTo(PostgresForTests.url());
        try {
            connections.warmUp();
            Connection warm = connections.get();
            assertThat(warm.isClosed()).isFalse();
            try (Statement st = warm.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            connections.warmUp(); // already connected: the same connection, no second one
            assertThat(connections.get()).isSameAs(warm);
        } finally {
            connections.close();
        }
    }

    @Test
    void warmUpAgainstAnUnreachableDatabaseDoesNotThrowAndTheFirstGetStillTries() {
        // port 1 on the loopback: connection refused at once
        ProviderConnections connections = connectionsTo("jdbc:postgresql://127.0.0.1:1/test");
        assertThatCode(connections::warmUp).doesNotThrowAnyException();
        org.assertj.core.api.Assertions.assertThatThrownBy(connections::get)
                .isInstanceOf(java.sql.SQLException.class);
        connections.close();
    }
}
