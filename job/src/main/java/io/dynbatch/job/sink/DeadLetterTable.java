package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.text.StorableText;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * The dead-letter table (every refused record with its reason and truncated payload) and the sink
 * that fills it ({@link SideTableSink}: rides out outages, never fails the task over a row). Binding
 * cannot fail on content: every text is made storable ({@link StorableText}: NUL and unpaired
 * surrogates escaped, reversibly), and the columns {@code payload_encoding} and {@code
 * detail_encoding} say how ({@code text}, {@code escaped}, or {@code hex} for a payload that was not
 * UTF-8). The reason, key and arm are codes the job makes; they are escaped the same way should they
 * ever need it. {@code arm} names the A/B arm of a dead letter only that arm produced (NULL: every
 * arm's input). The sink is at-least-once, so after a failover it may insert a dead letter again; a
 * dead letter with a {@link DeadLetter#dedupeKey} is still recorded once ({@code ON CONFLICT
 * (dedupe_key) DO NOTHING} on a unique index), one without a key (NULL: never conflicts) may be
 * recorded twice, never lost. A dead letter the database still refuses is recorded as its {@link
 * #residue}.
 */
public final class DeadLetterTable {

    private final String name;
    private final String dedupeIndex;

    public DeadLetterTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
        this.dedupeIndex = SqlIdentifiers.derivedName(name, "dedupe_key");
    }

    /**
     * Creates the table if absent and upgrades one created before dedupe keys, encodings or arms in
     * place (old rows get a NULL key, which never conflicts, encoding {@code text} and a NULL arm).
     * Idempotent.
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
                    + "dedupe_key text, "
                    + "payload_encoding text NOT NULL DEFAULT 'text', "
                    + "detail_encoding text NOT NULL DEFAULT 'text', "
                    + "arm text)");
            s.execute("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS dedupe_key text");
            s.execute("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS payload_encoding text NOT NULL "
                    + "DEFAULT 'text'");
            s.execute("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS detail_encoding text NOT NULL "
                    + "DEFAULT 'text'");
            s.execute("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS arm text");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + dedupeIndex + " ON " + name + " (dedupe_key)");
        }
    }

    /** The insert the sink runs: a dead letter whose key is already recorded is skipped. */
    String insertStatement() {
        return "INSERT INTO " + name + " (reason, detail, payload, payload_length, refused_at, events, dedupe_key, "
                + "payload_encoding, detail_encoding, arm) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING";
    }

    /** Binds one dead letter to {@link #insertStatement()}; whatever its texts hold, they are storable. */
    static JdbcStatementBuilder<DeadLetter> binder() {
        return (ps, d) -> {
            StorableText.Encoded detail = StorableText.encode(d.detail);
            boolean hex = StorableText.HEX.equals(d.payloadEncoding) && StorableText.isStorable(d.payload);
            StorableText.Encoded payload = hex ? new StorableText.Encoded(d.payload, StorableText.HEX)
                    : StorableText.encode(d.payload);
            ps.setString(1, StorableText.storable(d.reason == null ? "unknown" : d.reason));
            ps.setString(2, detail.text());
            ps.setString(3, payload.text());
            ps.setInt(4, d.payloadLength);
            ps.setTimestamp(5, new Timestamp(d.refusedAt));
            ps.setLong(6, d.events);
            ps.setString(7, StorableText.storable(d.dedupeKey));
            ps.setString(8, payload.encoding());
            ps.setString(9, detail.encoding());
            ps.setString(10, StorableText.storable(d.arm));
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
