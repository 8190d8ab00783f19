package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;

import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * The dead-letter table (every refused record with its reason and truncated payload) and the
 * flink-connector-jdbc sink that fills it. The sink is at-least-once, so after a failover it may
 * insert a dead letter again; a dead letter with a {@link DeadLetter#dedupeKey} is still recorded
 * once ({@code ON CONFLICT (dedupe_key) DO NOTHING} on a unique index), one without a key (NULL:
 * never conflicts) may be recorded twice, never lost.
 */
public final class DeadLetterTable {

    private final String name;
    private final String dedupeIndex;

    public DeadLetterTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
        this.dedupeIndex = SqlIdentifiers.derivedName(name, "dedupe_key");
    }

    /**
     * Creates the table if absent and upgrades one created before dedupe keys in place (the new
     * column is NULL for its old rows, which therefore never conflict). Idempotent.
     */
    public void createOrUpgrade(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
                    + "id bigserial PRIMARY KEY, "
                    + "reason text NOT NULL, "
                    + "detail text, "
                    + "payload text, "
                    + "payload_length integer NOT NULL, "
                    + "refused_at timestamptz NOT NULL, "
                    + "events bigint NOT NULL DEFAULT 1, "
                    + "recorded_at timestamptz NOT NULL DEFAULT now(), "
                    + "dedupe_key text)");
            s.execute("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS dedupe_key text");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + dedupeIndex + " ON " + name + " (dedupe_key)");
        }
    }

    /** The insert the sink runs: a dead letter whose key is already recorded is skipped. */
    String insertStatement() {
        return "INSERT INTO " + name + " (reason, detail, payload, payload_length, refused_at, events, dedupe_key) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING";
    }

    /** Binds one dead letter to {@link #insertStatement()}. */
    static JdbcStatementBuilder<DeadLetter> binder() {
        return (ps, d) -> {
            ps.setString(1, d.reason);
            ps.setString(2, d.detail);
            ps.setString(3, d.payload == null ? null : d.payload.replace("\u0000", ""));
            ps.setInt(4, d.payloadLength);
            ps.setTimestamp(5, new Timestamp(d.refusedAt));
            ps.setLong(6, d.events);
            ps.setString(7, d.dedupeKey);
        };
    }

    public JdbcSink<DeadLetter> sink(DatabaseSettings database) {
        return JdbcSink.<DeadLetter>builder()
                .withQueryStatement(insertStatement(), binder())
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(200)
                        .withBatchIntervalMs(500)
                        .withMaxRetries(5)
                        .build())
                .buildAtLeastOnce(new EnvPasswordConnectionProvider(database));
    }
}
