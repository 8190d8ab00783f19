package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;

import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * The dead-letter table (every refused record with its reason and truncated payload) and the
 * flink-connector-jdbc sink that fills it. At-least-once: after a failover a dead letter may be
 * recorded twice, never lost.
 */
public final class DeadLetterTable {

    private final String name;

    public DeadLetterTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
    }

    public void createIfAbsent(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
                    + "id bigserial PRIMARY KEY, "
                    + "reason text NOT NULL, "
                    + "detail text, "
                    + "payload text, "
                    + "payload_length integer NOT NULL, "
                    + "refused_at timestamptz NOT NULL, "
                    + "events bigint NOT NULL DEFAULT 1, "
                    + "recorded_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    public JdbcSink<DeadLetter> sink(DatabaseSettings database) {
        return JdbcSink.<DeadLetter>builder()
                .withQueryStatement(
                        "INSERT INTO " + name + " (reason, detail, payload, payload_length, refused_at, events) VALUES (?, ?, ?, ?, ?, ?)",
                        (ps, d) -> {
                            ps.setString(1, d.reason);
                            ps.setString(2, d.detail);
                            ps.setString(3, d.payload == null ? null : d.payload.replace("\u0000", ""));
                            ps.setInt(4, d.payloadLength);
                            ps.setTimestamp(5, new Timestamp(d.refusedAt));
                            ps.setLong(6, d.events);
                        })
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(200)
                        .withBatchIntervalMs(500)
                        .withMaxRetries(5)
                        .build())
                .buildAtLeastOnce(new EnvPasswordConnectionProvider(database));
    }
}
