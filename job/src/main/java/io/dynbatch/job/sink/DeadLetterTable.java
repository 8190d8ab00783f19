package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * The dead-letter table (every refused record with its reason and truncated payload) and the sink
 * that fills it ({@link SideTableSink}: rides out outages, never fails the task over a row). The
 * sink is at-least-once, so after a failover it may insert a dead letter again; a dead letter with a
 * {@link DeadLetter#dedupeKey} is still recorded once ({@code ON CONFLICT (dedupe_key) DO NOTHING}
 * on a unique index), one without a key (NULL: never conflicts) may be recorded twice, never lost.
 * A dead letter the database refuses on content is recorded as its {@link #residue}.
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

    /**
     * A dead letter the database refused, in a form it cannot refuse: the same reason, events and
     * key, text that is not printable ASCII hex-encoded ({@link Residue}), the time clamped. Replays
     * give the same residue (the key still deduplicates).
     */
    static DeadLetter residue(DeadLetter d) {
        DeadLetter r = new DeadLetter();
        r.reason = Residue.printable(d.reason);
        r.detail = "residue (the database refused the dead letter as it was): " + Residue.printable(d.detail);
        r.payload = Residue.printable(d.payload);
        r.payloadLength = d.payloadLength;
        r.refusedAt = Residue.timestamp(d.refusedAt);
        r.events = d.events;
        r.dedupeKey = Residue.printable(d.dedupeKey);
        return r;
    }

    /** How the sink writes this table's rows. */
    TableRows<DeadLetter> rows() {
        return new TableRows<>(name, insertStatement(), binder(), DeadLetterTable::residue);
    }

    /** The sink: batches of up to 200 rows, written at least every 500 ms and before every checkpoint. */
    public SideTableSink<DeadLetter> sink(DatabaseSettings database, RetryPolicy retryPolicy) {
        return new SideTableSink<>(database, rows(), 200, Duration.ofMillis(500), retryPolicy);
    }
}
